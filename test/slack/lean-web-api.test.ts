import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { leanWebApi, type LeanWebApi } from '../../adapters/slack/lean-web-api.js';
import { createLogger } from '../../src/logger.js';
import { keptAliveFetch, type KeptAliveFetch } from '../../src/util/kept-alive-fetch.js';
import { logSink } from '../helpers/discord-world.js';

// Web API calls without a WebClient (adapters/slack/lean-web-api.ts), against a real local HTTP server, side by side
// with @slack/web-api's own WebClient set up to try nothing again by itself: the same request, the same errors.
interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let apiUrl: string;
let seen: Seen[];
let answer: (res: http.ServerResponse) => void;
let fetch: KeptAliveFetch;
let logs: ReturnType<typeof logSink>;
let lean: LeanWebApi;
let client: webApi.WebClient;
let post: (args: Record<string, string | boolean>) => Promise<unknown>;

beforeEach(async () => {
  seen = [];
  answer = (res) => {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ ok: true, channel: 'C1', ts: '1700000000.000100', message: { text: 'x' } }));
  };
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers, body });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  fetch = keptAliveFetch();
  logs = logSink();
  lean = leanWebApi(fetch, { apiUrl, token: 'xoxb-test', logger: createLogger({ level: 'debug', destination: logs.stream }) });
  post = (a) => lean('chat.postMessage', a);
  client = new webApi.WebClient('xoxb-test', { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => webApi.LogLevel.ERROR, setName() {} } });
});

afterEach(async () => {
  fetch.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const args = { channel: 'C1', text: 'héllo & <@U1> 100%', thread_ts: '1700000000.000001', username: 'Agnes', icon_url: 'https://x.example/a.png?s=72', blocks: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: 'a=b&c' } }]), unfurl_links: false, unfurl_media: false };

it("sends the form @slack/web-api's WebClient sends for the same arguments, and reads the channel and ts", async () => {
  const posted = await post(args);
  await client.chat.postMessage(args);
  expect(posted).toMatchObject({ ok: true, channel: 'C1', ts: '1700000000.000100' });
  expect(seen.map((s) => s.url)).toEqual(['/api/chat.postMessage', '/api/chat.postMessage']);
  expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toEqual(Object.fromEntries(new URLSearchParams(seen[1]!.body)));
  for (const name of ['authorization', 'content-type', 'accept']) expect(seen[0]!.headers[name]).toBe(seen[1]!.headers[name]);
});

it("refuses as the WebClient refuses: ok false, a rate limit, a server error, a broken connection, an answer that is not JSON", async () => {
  const both = async () => Promise.all([post(args).catch((e: unknown) => e), client.chat.postMessage(args).catch((e: unknown) => e)]) as Promise<Array<Record<string, unknown>>>;
  answer = (res) => res.end(JSON.stringify({ ok: false, error: 'is_archived' }));
  for (const error of await both()) expect(error).toMatchObject({ code: webApi.ErrorCode.PlatformError, data: { ok: false, error: 'is_archived' } });
  answer = (res) => {
    res.writeHead(429, { 'Retry-After': '3' });
    res.end();
  };
  for (const error of await both()) expect(error).toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 3 });
  answer = (res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain' });
    res.end('later');
  };
  for (const error of await both()) expect(error).toMatchObject({ code: webApi.ErrorCode.HTTPError, statusCode: 503, body: 'later' });
  answer = (res) => res.end('<html>gateway</html>');
  for (const error of await both()) expect(error).toMatchObject({ code: webApi.ErrorCode.PlatformError, data: { ok: false, error: '<html>gateway</html>' } });
  answer = (res) => res.socket!.destroy();
  for (const error of await both()) expect(error).toMatchObject({ code: webApi.ErrorCode.RequestError });
  expect(logs.lines.filter((l) => l.msg === 'a Slack Web API call failed on its way').map((l) => l.method)).toEqual(['chat.postMessage']);
});

it('logs the warnings Slack sends with a post', async () => {
  answer = (res) => res.end(JSON.stringify({ ok: true, channel: 'C1', ts: '1.2', response_metadata: { warnings: ['missing_charset'] } }));
  await post(args);
  expect(logs.lines.filter((l) => l.msg === 'Slack sent a warning with an answer').map((l) => l.warning)).toEqual(['missing_charset']);
});

it('calls chat.update and reactions.add as the WebClient calls them', async () => {
  const update = { channel: 'C1', ts: '1700000000.000100', text: 'CS-0001 · Printer', blocks: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: '*Pending* & more' } }]) };
  await lean('chat.update', update);
  await client.chat.update(update);
  await lean('reactions.add', { channel: 'C1', timestamp: '1700000000.000100', name: 'hourglass_flowing_sand' });
  await client.reactions.add({ channel: 'C1', timestamp: '1700000000.000100', name: 'hourglass_flowing_sand' });
  expect(seen.map((s) => s.url)).toEqual(['/api/chat.update', '/api/chat.update', '/api/reactions.add', '/api/reactions.add']);
  expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toEqual(Object.fromEntries(new URLSearchParams(seen[1]!.body)));
  expect(Object.fromEntries(new URLSearchParams(seen[2]!.body))).toEqual(Object.fromEntries(new URLSearchParams(seen[3]!.body)));
});
