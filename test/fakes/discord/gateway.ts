import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { GatewayIntentBits } from 'discord.js';
import { WebSocket, WebSocketServer } from 'ws';

/** Every intent bit Discord knows. */
export const KNOWN_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === 'number')
  .reduce((all, bit) => all | bit, 0);

const PRIVILEGED = {
  guildMembers: GatewayIntentBits.GuildMembers,
  guildPresences: GatewayIntentBits.GuildPresences,
  messageContent: GatewayIntentBits.MessageContent,
} as const;

/** Which privileged intents are switched on for the application in the developer portal. */
export interface PrivilegedIntents {
  guildMembers: boolean;
  guildPresences: boolean;
  messageContent: boolean;
}

/** What a client sent in IDENTIFY. */
export interface IdentifyRecord {
  sessionId: string;
  intents: number;
  properties: Record<string, unknown>;
  shard: [number, number];
  compress: boolean;
  largeThreshold: number;
  presence: unknown;
  at: number;
}

/** One line of the gateway's log, for tests that look at connection history. */
export interface GatewayLogEntry {
  at: number;
  kind:
    | 'connect'
    | 'identify'
    | 'ready'
    | 'resume'
    | 'resumed'
    | 'invalid-session'
    | 'client-close'
    | 'server-close'
    | 'drop'
    | 'reconnect-requested'
    | 'request-guild-members'
    | 'presence-update';
  sessionId?: string;
  code?: number;
  detail?: string;
}

/** A gateway session: what RESUME can pick up again. */
export interface GatewaySession {
  id: string;
  intents: number;
  shard: [number, number];
  largeThreshold: number;
  seq: number;
  history: Array<{ s: number; t: string; d: unknown }>;
  conn: Connection | null;
  valid: boolean;
}

interface Connection {
  ws: WebSocket;
  session: GatewaySession | null;
  compress: 'none' | 'payload' | 'zlib-stream';
  deflate: zlib.Deflate | null;
  sendChain: Promise<void>;
  helloSent: boolean;
}

/** What the gateway needs from the rest of the fake. */
export interface GatewayHooks {
  token: string;
  heartbeatIntervalMs: number;
  privileged: () => PrivilegedIntents;
  resumeUrl: () => string;
  readyPayload: (session: GatewaySession) => Record<string, unknown>;
  guildCreates: (session: GatewaySession) => Record<string, unknown>[];
  membersChunk: (session: GatewaySession, request: Record<string, unknown>) => Record<string, unknown>[];
}

type Waiter = { kind: 'ready' | 'resumed' | 'either'; resolve: () => void };

/** Discord's WebSocket gateway (v10, JSON encoding) for one bot. */
export class Gateway {
  readonly sessions = new Map<string, GatewaySession>();
  readonly identifies: IdentifyRecord[] = [];
  readonly log: GatewayLogEntry[] = [];
  /** Heartbeats received, with the sequence the client sent. */
  readonly heartbeats: Array<{ at: number; seq: number | null }> = [];
  ackHeartbeats = true;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  private readonly pendingHello: Connection[] = [];
  private paused = false;
  private waiters: Waiter[] = [];

  constructor(private readonly hooks: GatewayHooks) {}

  /** Accepts an HTTP upgrade on the gateway path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
  }

  /** Whether a client is connected with a live session. */
  get connected(): boolean {
    return [...this.sessions.values()].some((s) => s.valid && s.conn !== null);
  }

  private onConnection(ws: WebSocket, url: URL): void {
    const params = url.searchParams;
    const compress = params.get('compress') === 'zlib-stream' ? 'zlib-stream' : 'none';
    const conn: Connection = {
      ws,
      session: null,
      compress,
      deflate: compress === 'zlib-stream' ? zlib.createDeflate() : null,
      sendChain: Promise.resolve(),
      helloSent: false,
    };
    if (conn.deflate) conn.deflate.on('error', () => undefined);
    this.connections.add(conn);
    this.note({ kind: 'connect', detail: `${url.pathname}?${params.toString()}` });
    ws.on('message', (data, isBinary) => this.onMessage(conn, data as Buffer, isBinary));
    ws.on('close', (code) => this.onClose(conn, code));
    ws.on('error', () => undefined);
    if (params.get('v') !== '10') return this.close(conn, 4012, 'Invalid API version');
    if ((params.get('encoding') ?? 'json') !== 'json') return this.close(conn, 4002, 'Error while decoding payload.');
    if (this.paused) this.pendingHello.push(conn);
    else this.sayHello(conn);
  }

  private sayHello(conn: Connection): void {
    conn.helloSent = true;
    const d = { heartbeat_interval: this.hooks.heartbeatIntervalMs, _trace: ['["gateway-fake",{"micros":0}]'] };
    this.send(conn, { op: 10, d, s: null, t: null }, false);
  }

  private note(entry: Omit<GatewayLogEntry, 'at'>): void {
    this.log.push({ at: Date.now(), ...entry });
  }

  private send(conn: Connection, payload: Record<string, unknown>, compressible = true): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    const json = JSON.stringify(payload);
    if (conn.compress === 'payload' && compressible) {
      conn.ws.send(zlib.deflateSync(json), { binary: true });
      return;
    }
    const deflate = conn.deflate;
    if (conn.compress === 'zlib-stream' && deflate) {
      conn.sendChain = conn.sendChain.then(
        () =>
          new Promise<void>((resolve) => {
            const chunks: Buffer[] = [];
            const onData = (chunk: Buffer) => chunks.push(chunk);
            deflate.on('data', onData);
            deflate.write(json);
            deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
              deflate.off('data', onData);
              if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(Buffer.concat(chunks), { binary: true });
              resolve();
            });
          }),
      );
      return;
    }
    conn.ws.send(json);
  }

  private close(conn: Connection, code: number, reason: string): void {
    this.note({ kind: 'server-close', code, detail: reason, sessionId: conn.session?.id });
    if (conn.session && code !== 4000) conn.session.valid = false;
    conn.ws.close(code, reason);
  }

  private onMessage(conn: Connection, data: Buffer, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(isBinary ? zlib.inflateSync(data).toString() : data.toString()) as typeof payload;
    } catch {
      return this.close(conn, 4002, 'Error while decoding payload.');
    }
    const d = (payload.d ?? null) as Record<string, unknown> | null;
    switch (payload.op) {
      case 1:
        this.heartbeats.push({ at: Date.now(), seq: typeof payload.d === 'number' ? payload.d : null });
        if (this.ackHeartbeats) this.send(conn, { op: 11, d: null, s: null, t: null });
        return;
      case 2:
        return this.identify(conn, d ?? {});
      case 6:
        return this.resume(conn, d ?? {});
      default:
        break;
    }
    if (!conn.session) return this.close(conn, 4003, 'Not authenticated.');
    switch (payload.op) {
      case 3:
        this.note({ kind: 'presence-update', sessionId: conn.session.id, detail: JSON.stringify(d) });
        return;
      case 4:
      case 31:
        return;
      case 8: {
        this.note({ kind: 'request-guild-members', sessionId: conn.session.id, detail: JSON.stringify(d) });
        if ((conn.session.intents & GatewayIntentBits.GuildMembers) === 0 && !d?.user_ids) {
          return this.close(conn, 4013, 'Invalid intent(s).');
        }
        for (const chunk of this.hooks.membersChunk(conn.session, d ?? {})) {
          this.dispatchTo(conn.session, 'GUILD_MEMBERS_CHUNK', chunk);
        }
        return;
      }
      default:
        return this.close(conn, 4001, 'Unknown opcode.');
    }
  }

  private tokenOk(token: unknown): boolean {
    return token === this.hooks.token || token === `Bot ${this.hooks.token}`;
  }

  private identify(conn: Connection, d: Record<string, unknown>): void {
    if (conn.session) return this.close(conn, 4005, 'Already authenticated.');
    if (!this.tokenOk(d.token)) return this.close(conn, 4004, 'Authentication failed.');
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || (intents & ~KNOWN_INTENTS) !== 0) {
      return this.close(conn, 4013, 'Invalid intent(s).');
    }
    const privileged = this.hooks.privileged();
    for (const [name, bit] of Object.entries(PRIVILEGED)) {
      if ((intents & bit) !== 0 && !privileged[name as keyof PrivilegedIntents]) {
        return this.close(conn, 4014, 'Disallowed intent(s).');
      }
    }
    const shard = Array.isArray(d.shard) ? (d.shard as [number, number]) : ([0, 1] as [number, number]);
    if (shard.length !== 2 || shard[0] < 0 || shard[0] >= shard[1]) return this.close(conn, 4010, 'Invalid shard.');
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      intents,
      shard,
      largeThreshold: typeof d.large_threshold === 'number' ? d.large_threshold : 50,
      seq: 0,
      history: [],
      conn,
      valid: true,
    };
    if (d.compress === true) conn.compress = 'payload';
    conn.session = session;
    this.sessions.set(session.id, session);
    this.identifies.push({
      sessionId: session.id,
      intents,
      properties: (d.properties ?? {}) as Record<string, unknown>,
      shard,
      compress: d.compress === true,
      largeThreshold: session.largeThreshold,
      presence: d.presence,
      at: Date.now(),
    });
    this.note({ kind: 'identify', sessionId: session.id, detail: `intents=${intents}` });
    this.dispatchTo(session, 'READY', this.hooks.readyPayload(session));
    this.note({ kind: 'ready', sessionId: session.id });
    if ((intents & GatewayIntentBits.Guilds) !== 0) {
      for (const guild of this.hooks.guildCreates(session)) this.dispatchTo(session, 'GUILD_CREATE', guild);
    }
    this.wake('ready');
  }

  private resume(conn: Connection, d: Record<string, unknown>): void {
    if (conn.session) return this.close(conn, 4005, 'Already authenticated.');
    if (!this.tokenOk(d.token)) return this.close(conn, 4004, 'Authentication failed.');
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    this.note({ kind: 'resume', sessionId: typeof d.session_id === 'string' ? d.session_id : undefined, detail: `seq=${String(d.seq)}` });
    if (!session || !session.valid) {
      this.note({ kind: 'invalid-session', sessionId: session?.id });
      this.send(conn, { op: 9, d: false, s: null, t: null });
      return;
    }
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    if (seq > session.seq) return this.close(conn, 4007, 'Invalid seq.');
    if (session.conn && session.conn !== conn) {
      session.conn.session = null;
      session.conn.ws.terminate();
    }
    session.conn = conn;
    conn.session = session;
    for (const entry of session.history) {
      if (entry.s > seq) this.send(conn, { op: 0, s: entry.s, t: entry.t, d: entry.d });
    }
    session.seq += 1;
    this.send(conn, { op: 0, s: session.seq, t: 'RESUMED', d: { _trace: ['["gateway-fake",{"micros":0}]'] } });
    this.note({ kind: 'resumed', sessionId: session.id, detail: `replayed=${session.history.filter((e) => e.s > seq).length}` });
    this.wake('resumed');
  }

  private onClose(conn: Connection, code: number): void {
    this.connections.delete(conn);
    const index = this.pendingHello.indexOf(conn);
    if (index >= 0) this.pendingHello.splice(index, 1);
    conn.deflate?.close();
    const session = conn.session;
    this.note({ kind: 'client-close', code, sessionId: session?.id });
    if (!session || session.conn !== conn) return;
    session.conn = null;
    if (code === 1000 || code === 1001) session.valid = false;
  }

  private dispatchTo(session: GatewaySession, t: string, d: unknown): void {
    session.seq += 1;
    session.history.push({ s: session.seq, t, d });
    if (session.conn) this.send(session.conn, { op: 0, s: session.seq, t, d });
  }

  /**
   * Sends an event to every live session, connected or waiting to RESUME (it is kept for replay).
   * `build` returns the payload for one session, or undefined when that session must not get it.
   */
  dispatch(t: string, build: (session: GatewaySession) => unknown): void {
    for (const session of this.sessions.values()) {
      if (!session.valid) continue;
      const d = build(session);
      if (d !== undefined) this.dispatchTo(session, t, d);
    }
  }

  /** Cuts every connection like a network failure; a non-resumable drop also invalidates the sessions. */
  drop(resumable: boolean): void {
    this.note({ kind: 'drop', detail: resumable ? 'resumable' : 'not resumable' });
    for (const session of this.sessions.values()) {
      if (!resumable) session.valid = false;
      if (session.conn) session.conn.session = null;
      session.conn = null;
    }
    for (const conn of this.connections) conn.ws.terminate();
  }

  /** Sends op 7 RECONNECT to every connection: clients reconnect and RESUME. */
  requestReconnect(): void {
    this.note({ kind: 'reconnect-requested' });
    for (const conn of this.connections) this.send(conn, { op: 7, d: null, s: null, t: null });
  }

  /** Holds new connections before HELLO (they wait) until `unpause()`. */
  pause(): void {
    this.paused = true;
  }

  /** Lets held connections proceed. */
  unpause(): void {
    this.paused = false;
    for (const conn of this.pendingHello.splice(0)) if (conn.ws.readyState === WebSocket.OPEN) this.sayHello(conn);
  }

  private wake(kind: 'ready' | 'resumed'): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.kind === kind || w.kind === 'either') w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Resolves at the next READY (`ready`), RESUMED (`resumed`) or either. */
  next(kind: 'ready' | 'resumed' | 'either', timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`FakeDiscord: no gateway ${kind} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        kind,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Closes every socket and the WebSocket server. */
  async shutdown(): Promise<void> {
    for (const conn of this.connections) conn.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
