import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import type { ClientRequest } from 'node:http';
import type { AppResponse, Obj } from './types.js';

/** `X-Slack-Signature` for a body: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`. */
export function slackSignature(secret: string, timestamp: number | string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** Turn an app's acknowledgement body into the object Slack reads from it. */
export function normalizeAck(contentType: string | undefined, raw: string): Obj | undefined {
  if (raw.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return Object.keys(parsed).length > 0 ? (parsed as Obj) : undefined;
    }
  } catch {
    if (contentType?.includes('json')) return { text: raw };
  }
  return { text: raw };
}

/** Posts requests to the app the way Slack's servers do, and remembers them to abort on stop. */
export class HttpPoster {
  private readonly inFlight = new Set<ClientRequest>();

  post(url: string, headers: Record<string, string>, body: string, ackTimeoutMs: number): Promise<AppResponse> {
    const started = Date.now();
    const target = new URL(url);
    return new Promise<AppResponse>((resolve) => {
      let settled = false;
      const finish = (status: number, raw: string, responseHeaders: Record<string, string>, timedOut: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(req);
        const elapsedMs = Date.now() - started;
        resolve({
          transport: 'http',
          status,
          ackBody: status === 200 ? normalizeAck(responseHeaders['content-type'], raw) : undefined,
          rawBody: raw,
          headers: responseHeaders,
          elapsedMs,
          timedOut: timedOut || elapsedMs > ackTimeoutMs,
        });
      };
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const responseHeaders: Record<string, string> = {};
            for (const [key, value] of Object.entries(res.headers)) {
              if (value !== undefined) responseHeaders[key] = Array.isArray(value) ? value.join(', ') : value;
            }
            finish(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), responseHeaders, false);
          });
          res.on('error', () => finish(0, '', {}, true));
        },
      );
      const timer = setTimeout(() => {
        finish(0, '', {}, true);
        req.destroy();
      }, ackTimeoutMs + 50);
      req.on('error', () => finish(0, '', {}, false));
      this.inFlight.add(req);
      req.end(body);
    });
  }

  abortAll(): void {
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
  }
}
