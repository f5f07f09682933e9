import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { keptAliveFetch, type KeptAliveFetch } from '../../src/util/kept-alive-fetch.js';

// The fetch the Slack WebClient calls through (src/util/kept-alive-fetch.ts; discord.js's REST calls through it too), against a real local HTTP server.
// The Slack suites run every Web API call of the bot through it against the fake Slack; these pin the edges.
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  port: number;
}

let server: http.Server;
let base: string;
let seen: Seen[];
let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void;
let lean: KeptAliveFetch;

beforeEach(async () => {
  seen = [];
  answer = (_req, res) => {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('X-OAuth-Scopes', 'chat:write,reactions:write');
    res.end(JSON.stringify({ ok: true, text: 'héllo ✅' }));
  };
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, port: req.socket.remotePort! });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  lean = keptAliveFetch();
});

afterEach(async () => {
  lean.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const form = { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-test' }, redirect: 'error' } as const;

it('posts the form as the WebClient builds it and reads the whole answer', async () => {
  const response = await lean(`${base}/api/chat.postMessage`, { ...form, body: 'channel=C1&text=h%C3%A9llo' });
  expect(seen).toMatchObject([{ method: 'POST', url: '/api/chat.postMessage', body: 'channel=C1&text=h%C3%A9llo' }]);
  expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-test', 'content-length': '26' });
  expect(response.status).toBe(200);
  expect(response.ok).toBe(true);
  expect(response.url).toBe(`${base}/api/chat.postMessage`);
  expect(response.headers.get('x-oauth-scopes')).toBe('chat:write,reactions:write');
  expect(response.headers.get('X-OAuth-Scopes')).toBe('chat:write,reactions:write');
  expect(response.headers.get('retry-after')).toBeNull();
  expect(Object.fromEntries(response.headers.entries())).toMatchObject({ 'content-type': 'application/json; charset=utf-8' });
  expect(await response.json()).toEqual({ ok: true, text: 'héllo ✅' });
});

it('keeps the connection for the next call', async () => {
  for (let i = 0; i < 3; i++) await (await lean(`${base}/api/auth.test`, { ...form, body: `n=${i}` })).text();
  expect(seen.map((s) => s.body)).toEqual(['n=0', 'n=1', 'n=2']);
  expect(new Set(seen.map((s) => s.port)).size).toBe(1);
});

it('gives a rate limit and a server error as they came, with their headers and body', async () => {
  answer = (req, res) => {
    if (req.url === '/limited') {
      res.writeHead(429, { 'Retry-After': '3' });
      res.end();
    } else {
      res.writeHead(503, 'Service Unavailable', { 'Content-Type': 'text/plain' });
      res.end('try later');
    }
  };
  const limited = await lean(`${base}/limited`, { ...form, body: '' });
  expect([limited.status, limited.ok, limited.headers.get('retry-after')]).toEqual([429, false, '3']);
  const failed = await lean(`${base}/failed`, { ...form, body: '' });
  expect([failed.status, failed.statusText, await failed.text()]).toEqual([503, 'Service Unavailable', 'try later']);
  expect(new TextDecoder().decode(await failed.arrayBuffer())).toBe('try later');
});

it('refuses a redirect, as the WebClient asks', async () => {
  answer = (_req, res) => {
    res.writeHead(302, { Location: 'http://127.0.0.1:1/elsewhere' });
    res.end();
  };
  await expect(lean(`${base}/api/chat.postMessage`, { ...form, body: 'a=1' })).rejects.toThrow(/redirect \(302\)/);
});

it('stops at the signal: a timed-out call fails and its connection is closed', async () => {
  let closed = false;
  answer = (req) => req.socket.on('close', () => (closed = true));
  await expect(lean(`${base}/api/slow`, { ...form, body: 'a=1', signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ name: 'TimeoutError' });
  await expect.poll(() => closed).toBe(true);
  const aborted = new AbortController();
  aborted.abort(new Error('stopped before it started'));
  await expect(lean(`${base}/api/x`, { ...form, body: 'a=1', signal: aborted.signal })).rejects.toThrow('stopped before it started');
});

it('a connection refused is an error the WebClient can retry', async () => {
  await expect(lean('http://127.0.0.1:1/api/auth.test', { ...form, body: '' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

it('hands a file upload (form data) to the global fetch', async () => {
  const data = new FormData();
  data.append('channels', 'C1');
  data.append('file', new Blob([new Uint8Array([1, 2, 3])]), 'a.bin');
  const response = await lean(`${base}/api/files.upload`, { method: 'POST', headers: { Authorization: 'Bearer xoxb-test' }, body: data, redirect: 'error' });
  expect(response.status).toBe(200);
  expect(seen[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  expect(seen[0]!.body).toContain('filename="a.bin"');
});

it("sends discord.js's JSON text and gives what its REST reads: rate limit headers by name (get and has), the body once", async () => {
  answer = (req, res) => {
    res.writeHead(req.url === '/api/v10/limited' ? 429 : 201, { 'Content-Type': 'application/json', 'X-RateLimit-Bucket': 'abc', ...(req.url === '/api/v10/limited' ? { 'Retry-After': '0.5', 'X-RateLimit-Global': 'true' } : {}) });
    res.end(JSON.stringify({ id: '1', name: 'CS-0001' }));
  };
  const json = { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bot x' }, redirect: 'manual' } as const;
  const made = await lean(`${base}/api/v10/channels/1/threads`, { ...json, body: '{"name":"CS-0001"}' });
  expect(seen[0]).toMatchObject({ method: 'POST', body: '{"name":"CS-0001"}', headers: { 'content-type': 'application/json', authorization: 'Bot x' } });
  expect([made.status, made.ok, made.headers.get('X-RateLimit-Bucket'), made.headers.has('X-RateLimit-Global'), made.bodyUsed]).toEqual([201, true, 'abc', false, false]);
  expect(await made.json()).toEqual({ id: '1', name: 'CS-0001' });
  expect(made.bodyUsed).toBe(true);
  const limited = await lean(`${base}/api/v10/limited`, { ...json, body: '{}' });
  expect([limited.status, limited.headers.get('retry-after'), limited.headers.has('x-ratelimit-global')]).toEqual([429, '0.5', true]);
  // The body as a stream too, for a caller that reads it so.
  const chunks: Buffer[] = [];
  for await (const chunk of limited.body as AsyncIterable<Buffer>) chunks.push(chunk);
  expect(JSON.parse(Buffer.concat(chunks).toString())).toEqual({ id: '1', name: 'CS-0001' });
});

it('gives a redirect as it came when told to follow none (discord.js), and a GET without a body', async () => {
  answer = (req, res) => {
    res.writeHead(req.method === 'GET' ? 301 : 200, { Location: 'http://127.0.0.1:1/elsewhere' });
    res.end();
  };
  const moved = await lean(`${base}/api/v10/gateway/bot`, { method: 'GET', headers: { Authorization: 'Bot x' }, body: null, redirect: 'manual' });
  expect([moved.status, moved.headers.get('location')]).toEqual([301, 'http://127.0.0.1:1/elsewhere']);
  expect(seen[0]).toMatchObject({ method: 'GET', body: '' });
  expect(seen[0]!.headers['content-length']).toBeUndefined();
});
