import { stringify } from 'node:querystring';
import { webApi } from '@slack/bolt';
import type { Logger } from '../../src/logger.js';
import type { KeptAliveFetch } from '../../src/util/kept-alive-fetch.js';

/** What `chat.postMessage` is given here: text fields, flags, and blocks already as JSON text. */
export type PostMessageArguments = Record<string, string | boolean | undefined>;

/** What the bot reads of a post's answer. */
export interface PostedMessage {
  ok: true;
  channel?: string;
  ts?: string;
}

/**
 * `chat.postMessage` straight through the kept-alive fetch: the one Web API call every mirrored message makes.
 * Through a WebClient it cost about 60 µs of CPU per call over the call itself, with as much again in garbage:
 * a request queue and a retry wrapper (idle here: posts are tried again by `SlackDesk.post` only, which looks for
 * the post first), a redacted copy of the arguments and of the headers for debug lines it builds whether debug is
 * on or not, and the scopes read from every answer's headers.
 *
 * It answers as the WebClient that tries nothing again by itself answers (`retries: 0`,
 * `rejectRateLimitedCalls`), with @slack/web-api's own errors: `ok: false` is a WebAPIPlatformError (with the
 * answer as `data`), a 429 with Retry-After a WebAPIRateLimitedError (`retryAfter` in seconds), any other status
 * but 200 a WebAPIHTTPError, a connection that failed a WebAPIRequestError; warnings Slack sends are logged.
 */
export function postMessageThrough(fetch: KeptAliveFetch, options: { apiUrl: string; token: string; logger: Logger }): (args: PostMessageArguments) => Promise<PostedMessage> {
  const url = `${options.apiUrl.replace(/\/?$/, '/')}chat.postMessage`;
  const headers = {
    Authorization: `Bearer ${options.token}`,
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    'User-Agent': `support-desk-bot node/${process.version.slice(1)}`,
  };
  return async (args) => {
    const fields: Record<string, string | boolean> = {};
    for (const [key, value] of Object.entries(args)) if (value !== undefined) fields[key] = value;
    let response;
    try {
      response = await fetch(url, { method: 'POST', headers, body: stringify(fields), redirect: 'error' });
    } catch (error) {
      options.logger.warn({ err: error }, 'a post to Slack failed on its way');
      throw new webApi.WebAPIRequestError(error instanceof Error ? error : new Error(String(error)));
    }
    if (response.status === 429) {
      const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
      if (Number.isNaN(retryAfter)) throw new Error(`Slack rate-limited a post without a valid Retry-After (${String(response.headers.get('retry-after'))})`);
      throw new webApi.WebAPIRateLimitedError(retryAfter);
    }
    const text = await response.text();
    if (response.status !== 200) throw new webApi.WebAPIHTTPError(response.status, response.statusText, Object.fromEntries(response.headers.entries()), text);
    let result: { ok?: boolean; error?: string; channel?: string; ts?: string; response_metadata?: { warnings?: string[] } };
    try {
      result = JSON.parse(text) as typeof result;
    } catch {
      result = { ok: false, error: text };
    }
    for (const warning of result.response_metadata?.warnings ?? []) options.logger.warn({ warning }, 'Slack warned about a post');
    if (result.ok !== true) throw new webApi.WebAPIPlatformError({ ...result, ok: false, error: String(result.error ?? 'unknown_error') });
    return result as PostedMessage;
  };
}
