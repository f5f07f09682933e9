import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import type { Faults } from './faults.js';
import type { SocketModeServer } from './socket-mode.js';
import type { Obj, RecordedCall } from './types.js';
import { ApiError, parseJsonFields, type WebApi } from './web-api.js';

/** What the HTTP server needs from the fake. */
export interface ServerHost {
  readonly api: WebApi;
  readonly faults: Faults;
  /** Calls held before they do anything (see `FakeSlack.holdCalls`). */
  readonly holds: CallHold[];
  readonly socket: SocketModeServer;
  readonly scopes: Set<string>;
  tokenState(token: string): 'bot' | 'app' | 'revoked' | 'invalid';
  recordCall(call: RecordedCall): void;
  /** Store uploaded bytes; false when the upload key is unknown. */
  receiveUpload(key: string, bytes: Buffer): boolean;
  /** The bytes and type of a file for a `files-pri` path, or undefined. */
  fileForDownload(teamFileKey: string): { bytes: Buffer; mimetype: string; name: string } | undefined;
  recordDownload(teamFileKey: string, authorized: boolean): void;
  /** Handle a POST to a `response_url`. */
  responseUrl(url: string, raw: string): { status: number; body: Obj };
}

/** A held Web API call: matched by method (and arguments), released to go through or to be dropped. */
export interface CallHold {
  method: string;
  where?: (args: Obj) => boolean;
  signal: () => void;
  released: Promise<'process' | 'drop'>;
  release: (mode: 'process' | 'drop') => void;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function flatten(parsed: Record<string, string | string[] | undefined>): Obj {
  const out: Obj = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return out;
}

async function multipart(raw: Buffer, contentType: string): Promise<{ fields: Obj; files: Buffer[] }> {
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  const fields: Obj = {};
  const files: Buffer[] = [];
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') fields[key] = value;
    else files.push(Buffer.from(await value.arrayBuffer()));
  }
  return { fields, files };
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  res.writeHead(status, headers);
  res.end(body);
}

const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Slack</title></head><body><h1>Sign in to Slack</h1></body></html>';

/** The fake's HTTP server: Web API, file upload/download, response_url and the Socket Mode upgrade. */
export class FakeSlackServer {
  private readonly server: Server;
  port = 0;

  constructor(private readonly host: ServerHost) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { 'content-type': 'text/plain' }, String(error));
        else res.destroy();
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      if (!this.host.socket.handleUpgrade(req, socket, head)) socket.destroy();
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const path = url.pathname;
    if (path.startsWith('/api/')) return this.api(decodeURIComponent(path.slice('/api/'.length)), req, res, url);
    if (path.startsWith('/upload/v1/') && req.method === 'POST') return this.upload(path.slice('/upload/v1/'.length), req, res);
    if (path.startsWith('/files-pri/')) return this.download(path, req, res);
    if ((path.startsWith('/commands/') || path.startsWith('/actions/')) && req.method === 'POST') {
      const raw = (await readBody(req)).toString('utf8');
      const { status, body } = this.host.responseUrl(`http://127.0.0.1:${this.port}${path}`, raw);
      return send(res, status, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(body));
    }
    if (path === '/' && req.method === 'GET') return send(res, 200, { 'content-type': 'text/html; charset=utf-8' }, LOGIN_PAGE);
    send(res, 404, { 'content-type': 'text/plain' }, 'Not Found');
  }

  private async api(method: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const raw = await readBody(req);
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    const args: Obj = {};
    for (const [key, value] of url.searchParams) args[key] = value;
    let jsonBody = false;
    let badJson = false;
    if (contentType.startsWith('application/json')) {
      jsonBody = true;
      try {
        const parsed: unknown = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {};
        if (this.host.api.acceptsJson(method) && typeof parsed === 'object' && parsed !== null) Object.assign(args, parsed);
      } catch {
        badJson = true;
      }
    } else if (contentType.startsWith('multipart/form-data')) {
      Object.assign(args, (await multipart(raw, contentType)).fields);
    } else if (raw.length > 0) {
      Object.assign(args, flatten(parseQuery(raw.toString('utf8'))));
    }
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    const bodyToken = !jsonBody && typeof args.token === 'string' ? args.token : undefined;
    const token = bearer ?? bodyToken;
    delete args.token;

    const respond = (status: number, body: Obj, headers: Record<string, string>, fault: boolean, after?: () => void) => {
      const all: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'x-slack-req-id': randomUUID().replace(/-/g, ''),
        ...headers,
      };
      send(res, status, all, JSON.stringify(body));
      this.host.recordCall({ method, args: parseJsonFields(args), token, response: body, status, fault, at: Date.now() });
      after?.();
    };

    const hold = this.host.holds.find((h) => h.method === method && (!h.where || h.where(parseJsonFields(args))));
    if (hold) {
      hold.signal();
      if ((await hold.released) === 'drop') {
        res.destroy();
        return;
      }
    }
    const fault = this.host.faults.take(method);
    if (fault) {
      if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (!fault.passThrough && !fault.afterProcessing) return respond(fault.status, fault.body, fault.headers, true);
    }
    const known = this.host.api.status(method);
    if (known === 'unknown') return respond(200, { ok: false, error: 'unknown_method', req_method: method }, {}, false);
    if (badJson) return respond(200, { ok: false, error: 'invalid_json' }, {}, false);
    if (!token) return respond(200, { ok: false, error: 'not_authed' }, {}, false);
    const state = this.host.tokenState(token);
    if (state === 'invalid') return respond(200, { ok: false, error: 'invalid_auth' }, {}, false);
    if (state === 'revoked') return respond(200, { ok: false, error: 'token_revoked' }, {}, false);
    if (known === 'deprecated') return respond(200, { ok: false, error: 'method_deprecated' }, {}, false);
    if (state !== this.host.api.tokenKind(method)) return respond(200, { ok: false, error: 'not_allowed_token_type' }, {}, false);

    const scopeHeaders: Record<string, string> = state === 'bot'
      ? { 'x-oauth-scopes': [...this.host.scopes].join(',') }
      : { 'x-oauth-scopes': 'connections:write' };
    try {
      const result = this.host.api.call(method, args);
      if (fault?.afterProcessing) return respond(fault.status, fault.body, fault.headers, true, result.after);
      return respond(200, result.body, scopeHeaders, false, result.after);
    } catch (error) {
      if (error instanceof ApiError) return respond(200, { ok: false, error: error.error, ...error.extra }, scopeHeaders, false);
      return respond(200, { ok: false, error: 'fatal_error', detail: String(error) }, scopeHeaders, false);
    }
  }

  private async upload(key: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const fault = this.host.faults.take('upload_url');
    if (fault) {
      if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (!fault.passThrough) return send(res, fault.status, { 'content-type': 'text/plain', ...fault.headers }, JSON.stringify(fault.body));
    }
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    let bytes = raw;
    if (contentType.startsWith('multipart/form-data')) {
      const { files, fields } = await multipart(raw, contentType);
      const first = files[0];
      const field = Object.values(fields).find((v) => typeof v === 'string');
      bytes = first ?? Buffer.from(typeof field === 'string' ? field : '');
    }
    if (!this.host.receiveUpload(key, bytes)) return send(res, 404, { 'content-type': 'text/plain' }, 'Not Found');
    send(res, 200, { 'content-type': 'text/plain; charset=utf-8' }, `OK - ${bytes.length}`);
  }

  private async download(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parts = path.split('/').filter(Boolean);
    const teamFileKey = parts[1] ?? '';
    const fault = this.host.faults.take('file_download');
    if (fault) {
      if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (!fault.passThrough) return send(res, fault.status, { 'content-type': 'text/plain', ...fault.headers }, '');
    }
    const file = this.host.fileForDownload(teamFileKey);
    if (!file) return send(res, 404, { 'content-type': 'text/plain' }, 'Not Found');
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    const authorized = bearer !== undefined && this.host.tokenState(bearer) === 'bot' && this.host.scopes.has('files:read');
    this.host.recordDownload(teamFileKey, authorized);
    if (!authorized) {
      return send(res, 302, { location: `/?redir=${encodeURIComponent(path)}`, 'content-type': 'text/html' }, '');
    }
    const headers: Record<string, string> = { 'content-type': file.mimetype, 'content-length': String(file.bytes.length) };
    if (parts[2] === 'download') headers['content-disposition'] = `attachment; filename="${file.name}"`;
    send(res, 200, headers, file.bytes);
  }
}
