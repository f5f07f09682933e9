import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../../src/logger.js';

/** How far a signed request's timestamp may be from the bot's clock, either way (Slack's own rule is 5 minutes back). */
const REQUEST_TIMESTAMP_WINDOW_S = 5 * 60;
/** The largest request body read, as Bolt's receiver reads (a ticket form with every field full is far smaller). */
const REQUEST_BODY_LIMIT = 4 * 1024 * 1024;

/** Who the bot is on Slack, once `auth.test` said it (empty before). */
interface SlackSelf {
  botId: string;
  botUserId: string;
}

/**
 * Every request that reaches the bot's Slack endpoint over HTTP passes here before Bolt sees it, and Bolt's own
 * signature check is turned off (`signatureVerification: false`), so that this is the one check:
 *
 * - the body is read up to {@link REQUEST_BODY_LIMIT} (413 beyond, before anything else);
 * - Slack's `ssl_check=1` probe is answered 200, unsigned as Slack sends it, and goes no further;
 * - the timestamp must be within 5 minutes of the bot's clock, either way. Bolt refuses an old one and took one
 *   from any time ahead: a request signed for a later time could be replayed until that time; events are handled
 *   once per delivery, but a button or a command acts again at each replay. So a captured request lives 5 minutes;
 * - the signature (`v0=` HMAC-SHA256 of `v0:timestamp:body`) is compared in constant time (401 if it differs);
 * - a verified event that is the bot's own message coming back (a copy it posted in a ticket thread: half the
 *   deliveries of a busy conversation) is acknowledged here, as Bolt's `ignoreSelf` would drop it after parsing,
 *   authorizing and a round of middleware; so is an edit or a deletion of one of its messages (each card redrawn
 *   comes back so), which the conversation handler would drop;
 * - anything else goes to Bolt with its body already read (Bolt uses a request's `rawBody` when it has one).
 */
export function guardRequests(receiver: HTTPReceiver, options: { signingSecret: string; logger: Logger; self: () => SlackSelf }): void {
  const handle = receiver.requestListener;
  const { signingSecret, logger, self } = options;
  receiver.requestListener = (request, response) => {
    // Bolt answers nothing but POSTs on its endpoints (others get its 404): only what Bolt would process is checked.
    if (request.method !== 'POST') return handle(request, response);
    readBody(request, REQUEST_BODY_LIMIT).then(
      (raw) => {
        const verdict = check(request, raw, signingSecret, self());
        if (verdict === 'pass') {
          (request as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
          return handle(request, response);
        }
        if (verdict === 'own' || verdict === 'ssl_check') return answer(response, 200);
        if (verdict === 'future') logger.warn({ timestamp: request.headers['x-slack-request-timestamp'] }, 'a Slack request signed for a time more than 5 minutes ahead was refused');
        else logger.warn({ reason: verdict }, 'a Slack request without a valid signature, or signed more than 5 minutes ago, was refused');
        answer(response, 401);
      },
      (error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          logger.warn({ limit: REQUEST_BODY_LIMIT }, 'a Slack request with a body over the limit was refused');
          answer(response, 413, true);
        } else {
          // The client went away while sending: nothing to answer.
          request.destroy();
        }
      },
    );
  };
}

type Verdict = 'pass' | 'own' | 'ssl_check' | 'unsigned' | 'stale' | 'future' | 'forged';

function check(request: IncomingMessage, raw: Buffer, signingSecret: string, self: SlackSelf): Verdict {
  // The body stays bytes (Bolt makes it text once again for itself): signed, searched and parsed as bytes.
  const contentType = request.headers['content-type'];
  if (contentType === 'application/x-www-form-urlencoded' && raw.includes('ssl_check=') && parseQuery(raw.toString()).ssl_check === '1') return 'ssl_check';
  const timestampHeader = request.headers['x-slack-request-timestamp'];
  const signature = request.headers['x-slack-signature'];
  if (typeof timestampHeader !== 'string' || typeof signature !== 'string' || !/^\d+$/.test(timestampHeader)) return 'unsigned';
  const timestamp = Number(timestampHeader);
  const now = Date.now() / 1000;
  if (timestamp < Math.floor(now) - REQUEST_TIMESTAMP_WINDOW_S) return 'stale';
  if (timestamp > now + REQUEST_TIMESTAMP_WINDOW_S) return 'future';
  const expected = Buffer.from(`v0=${createHmac('sha256', signingSecret).update(`v0:${timestampHeader}:`).update(raw).digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
  return isOwnMessage(raw, self) ? 'own' : 'pass';
}

/**
 * The bot's own message coming back, by Bolt's `ignoreSelf` rule (a `bot_message` with the bot's id, or any event
 * but a membership change by the bot's user), or an edit or a deletion of one. The body is parsed only when it
 * names the bot that way.
 */
function isOwnMessage(raw: Buffer, self: SlackSelf): boolean {
  const byBot = self.botId !== '' && raw.includes(`"bot_id":"${self.botId}"`);
  const byUser = self.botUserId !== '' && raw.includes(`"user":"${self.botUserId}"`);
  if (!byBot && !byUser) return false;
  type Posted = { bot_id?: unknown; user?: unknown };
  let body: { type?: unknown; event?: Posted & { type?: unknown; subtype?: unknown; message?: Posted; previous_message?: Posted } };
  try {
    body = JSON.parse(raw.toString()) as typeof body;
  } catch {
    return false;
  }
  const event = body?.type === 'event_callback' ? body.event : undefined;
  if (!event || typeof event !== 'object') return false;
  if (event.type === 'message' && event.subtype === 'bot_message' && event.bot_id === self.botId) return true;
  // An edit or a deletion of one of the bot's messages (a card redrawn, say): the conversation handler acts on
  // neither, and these carry the whole message twice over.
  const postedByBot = (m: Posted | undefined) =>
    !!m && typeof m === 'object' && ((self.botId !== '' && m.bot_id === self.botId) || (self.botUserId !== '' && m.user === self.botUserId));
  if (event.type === 'message' && event.subtype === 'message_changed' && postedByBot(event.message)) return true;
  if (event.type === 'message' && event.subtype === 'message_deleted' && postedByBot(event.previous_message)) return true;
  return event.user === self.botUserId && event.type !== 'member_joined_channel' && event.type !== 'member_left_channel';
}

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (declared > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        request.off('data', onData);
        request.pause();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)));
    request.once('error', reject);
    request.once('aborted', () => reject(new Error('the request was aborted')));
  });
}

/** An answer without a body; `close` drops the connection after it (a body left unread). */
function answer(response: ServerResponse, status: number, close = false): void {
  if (response.headersSent) return;
  response.writeHead(status, close ? { connection: 'close' } : {});
  response.end();
}
