import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { AppResponse, Obj } from './types.js';

/** A Socket Mode envelope as Slack sends it. */
export interface Envelope {
  type: 'slash_commands' | 'interactive' | 'events_api' | string;
  payload: Obj;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

interface PendingAck {
  resolve: (payload: Obj | undefined, raw: string) => void;
}

/** The Socket Mode side of the fake: tickets, WebSocket connections, envelopes and acks. */
export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly connections: WebSocket[] = [];
  private readonly pending = new Map<string, PendingAck>();
  private readonly connectWaiters = new Set<() => void>();
  private next = 0;
  /** How many WebSocket connections were ever accepted. */
  connectCount = 0;

  constructor(private readonly appId: string) {}

  /** A single-use ticket for `apps.connections.open`. */
  issueTicket(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return ticket;
  }

  get openConnections(): number {
    return this.connections.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  }

  /** Accept a WebSocket upgrade on `/link/?ticket=…`; false when the request is not for us. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/link/' && url.pathname !== '/link') return false;
    const ticket = url.searchParams.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    return true;
  }

  private accept(ws: WebSocket): void {
    this.connections.push(ws);
    this.connectCount += 1;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const raw = data.toString();
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        return;
      }
      if (typeof message !== 'object' || message === null) return;
      const { envelope_id: envelopeId, payload } = message as { envelope_id?: unknown; payload?: unknown };
      if (typeof envelopeId !== 'string') return;
      const pending = this.pending.get(envelopeId);
      if (!pending) return;
      this.pending.delete(envelopeId);
      const body = typeof payload === 'object' && payload !== null ? (payload as Obj) : undefined;
      pending.resolve(body, raw);
    });
    ws.on('close', () => {
      const index = this.connections.indexOf(ws);
      if (index >= 0) this.connections.splice(index, 1);
    });
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({
      type: 'hello',
      num_connections: this.openConnections,
      debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: this.appId },
    }));
    for (const waiter of [...this.connectWaiters]) waiter();
  }

  /** Resolve once a connection is open (or after `timeoutMs`, with false). */
  waitForConnection(timeoutMs: number): Promise<boolean> {
    if (this.openConnections > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.connectWaiters.delete(onConnect);
        resolve(ok);
      };
      const onConnect = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.connectWaiters.add(onConnect);
    });
  }

  /** Send an envelope to one open connection (round robin) and wait for its ack. */
  async send(envelope: Envelope, ackTimeoutMs: number, waitMs: number): Promise<AppResponse> {
    const started = Date.now();
    if (!(await this.waitForConnection(waitMs))) throw new Error('no Socket Mode connection is open');
    const open = this.connections.filter((ws) => ws.readyState === WebSocket.OPEN);
    const ws = open[this.next++ % open.length] as WebSocket;
    const envelopeId = randomUUID();
    const message = {
      envelope_id: envelopeId,
      payload: envelope.payload,
      type: envelope.type,
      accepts_response_payload: envelope.accepts_response_payload,
      retry_attempt: envelope.retry_attempt ?? 0,
      retry_reason: envelope.retry_reason ?? '',
    };
    return new Promise<AppResponse>((resolve) => {
      const finish = (acked: boolean, payload: Obj | undefined, raw: string) => {
        clearTimeout(timer);
        ws.off('close', onClose);
        this.pending.delete(envelopeId);
        const elapsedMs = Date.now() - started;
        resolve({
          transport: 'socket',
          status: acked ? 200 : 0,
          ackBody: payload && Object.keys(payload).length > 0 ? payload : undefined,
          rawBody: raw,
          headers: {},
          elapsedMs,
          timedOut: !acked || elapsedMs > ackTimeoutMs,
          envelopeId,
        });
      };
      const onClose = () => finish(false, undefined, '');
      const timer = setTimeout(() => finish(false, undefined, ''), ackTimeoutMs);
      this.pending.set(envelopeId, { resolve: (payload, raw) => finish(true, payload, raw) });
      ws.once('close', onClose);
      ws.send(JSON.stringify(message));
    });
  }

  /** Cut every connection abruptly, as a network failure would. */
  drop(): void {
    for (const ws of [...this.connections]) ws.terminate();
  }

  /** Send Slack's `disconnect` message; the client is expected to reconnect. */
  requestReconnect(reason: 'warning' | 'refresh_requested' | 'link_disabled'): void {
    for (const ws of this.connections) {
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } }));
    }
  }

  /** Close connections with a close frame (terminating stragglers after 500 ms), then stop accepting. */
  async close(): Promise<void> {
    const open = [...this.connections];
    await Promise.all(open.map((ws) => new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 500);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'going away');
    })));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
