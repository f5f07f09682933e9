import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBot } from '../helpers/run-bot.js';
import { request, sleep, until } from './support.js';

/** What the floor's process is given (see {@link runPacedFloor}). */
export interface FloorPlan {
  /** The floor's database, migrated already. */
  databaseUrl: string;
  /** `Bot …` or `Bearer …`, for every call. */
  authorization: string;
  /** Per paced event `f<i>`: the floor's ticket it writes to, and the bot's calls for it, to send again. */
  events: Array<{ ticketId: number; channelId: string; calls: Array<{ lane: string; method: string; url: string; body?: unknown }> }>;
  discord?: { apiUrl: string; token: string; intents: number };
  slack?: { signingSecret: string };
  /** A cheap call (`GET /users/@me`, `auth.test`) the floor makes a few times before it is ready, to warm its connections. */
  warmCall: { method: string; url: string };
}

/**
 * The floor of the time per event: the bot's paced events again (`f<i>`, made by `emit(i)` on the fake, `rate` a
 * second), each taken by a process of its own (`floor-process.ts`, started as the bot is, with `npm start`'s node
 * options) with only the work it needs: one transaction, and the calls the bot made for that event sent again. Its
 * calls carry a mark (`url` and `body` in the plan) by which the bench finds them among the fake's, to time them as
 * the bot's are. Returns when each event was made. (Memory has no floor: this process runs under tsx's loader, which
 * compiles TypeScript in the process and alone costs more than the bot keeps for its tickets.)
 */
export async function runPacedFloor(plan: FloorPlan, rate: number, emit: (i: number) => unknown, onReady: (url: string) => void = () => undefined): Promise<{ at: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
  const file = join(dir, 'plan.json');
  writeFileSync(file, JSON.stringify(plan));
  const floor = runBot({}, { script: 'test/bench/floor-process.ts', args: [file], timeoutMs: 30 * 60_000 });
  const handled = () => {
    if (floor.child.exitCode !== null) throw new Error(`the floor process exited: ${floor.output().stderr.slice(-2000)}`);
    return floor.output().stdout.split('\n').filter((line) => line.startsWith('handled ')).length;
  };
  try {
    await until(() => floor.output().stdout.includes('ready') || floor.child.exitCode !== null, 'the floor process to be ready', 60_000);
    const ready = /^ready ?(.*)$/m.exec(floor.output().stdout);
    if (!ready) throw new Error(`the floor process exited: ${floor.output().stderr.slice(-2000)}`);
    onReady(ready[1]!);
    return { at: await pace(plan.events.length, rate, emit, handled) };
  } finally {
    floor.child.kill('SIGTERM');
    await floor.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The floor's time per event: for event i, made at `at[i]`, the time of the last call the fake saw carrying mark `i`
 * (`markOf` reads a call's mark; undefined for calls that are not the floor's).
 */
export function floorLatencies<C extends { at: number }>(calls: readonly C[], markOf: (call: C) => unknown, at: readonly number[]): number[] {
  const last = new Map<string, number>();
  for (const call of calls) {
    const mark = markOf(call);
    if (mark !== undefined) last.set(String(mark), Math.max(last.get(String(mark)) ?? 0, call.at));
  }
  return at.map((made, i) => (last.get(String(i)) ?? Number.NaN) - made);
}

/**
 * Sends `calls` in lanes: calls on one lane (a thread, a message) one after another in their order, the lanes side
 * by side, as the bot sends them (a reaction is removed before the next is added; two messages' posts overlap).
 */
export async function replayInLanes<C>(calls: readonly C[], lane: (call: C) => string, sendOne: (call: C) => Promise<unknown>): Promise<void> {
  const lanes = new Map<string, C[]>();
  for (const call of calls) {
    const key = lane(call);
    const list = lanes.get(key);
    if (list) list.push(call);
    else lanes.set(key, [call]);
  }
  await Promise.all(
    [...lanes.values()].map(async (list) => {
      for (const call of list) await sendOne(call);
    }),
  );
}

/**
 * Sends `count` events at `rate` a second (`emit(i)` makes event i on the fake) and waits until `handled()` counts
 * them all. Returns when each was made (`Date.now()`, as the bot's paced messages are timed).
 */
export async function pace(count: number, rate: number, emit: (i: number) => unknown, handled: () => number): Promise<number[]> {
  const at: number[] = [];
  for (let i = 0; i < count; i++) {
    at.push(Date.now());
    void emit(i);
    await sleep(1000 / rate);
  }
  await until(() => handled() >= count, 'the floor to handle the paced events', 60_000, 5);
  return at;
}

/**
 * A bare gateway session for the floor: IDENTIFY with the bot's token and intents, heartbeats, and each dispatch
 * handed to `onDispatch` as parsed JSON, what any bot must at least do with an event. It lasts as long as the process.
 */
export async function rawGatewaySession(apiUrl: string, token: string, intents: number, onDispatch: (type: string, data: Record<string, unknown>) => void): Promise<void> {
  const { json } = await request(`${apiUrl}/v10/gateway/bot`, 'GET', { authorization: `Bot ${token}` });
  const ws = new WebSocket(`${(json as { url: string }).url}?v=10&encoding=json`);
  let seq: number | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`the floor's gateway session closed: ${code}`)));
    ws.on('message', (raw) => {
      const payload = JSON.parse(raw.toString()) as { op: number; d: unknown; s: number | null; t: string | null };
      if (payload.s !== null) seq = payload.s;
      if (payload.op === 10) {
        const interval = (payload.d as { heartbeat_interval: number }).heartbeat_interval;
        setInterval(() => ws.send(JSON.stringify({ op: 1, d: seq })), interval).unref();
        ws.send(JSON.stringify({ op: 2, d: { token, intents, properties: { os: 'linux', browser: 'bench-floor', device: 'bench-floor' } } }));
      } else if (payload.op === 0 && payload.t) {
        if (payload.t === 'READY') resolve();
        onDispatch(payload.t, payload.d as Record<string, unknown>);
      }
    });
  });
  await ready;
}

/**
 * A bare Slack Events API receiver for the floor: the signature checked (HMAC-SHA256 of `v0:timestamp:body`,
 * compared in constant time), the request acknowledged, and each event's body handed to `onEvent` as parsed JSON.
 */
export async function rawSlackReceiver(signingSecret: string, onEvent: (body: Record<string, unknown>) => void): Promise<string> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const signature = Buffer.from(String(req.headers['x-slack-signature'] ?? ''));
      const expected = Buffer.from(`v0=${createHmac('sha256', signingSecret).update(`v0:${String(req.headers['x-slack-request-timestamp'] ?? '')}:`).update(body).digest('hex')}`);
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200).end();
      onEvent(JSON.parse(body.toString()) as Record<string, unknown>);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
}
