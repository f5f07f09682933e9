import { stringify } from 'node:querystring';
import { webApi } from '@slack/bolt';
import type { Logger } from '../../src/logger.js';
import type { KeptAliveFetch } from '../../src/util/kept-alive-fetch.js';

/** What a Web API method is given here: text fields, flags and numbers, with blocks already as JSON text. */
export type WebApiArguments = Record<string, string | number | boolean | undefined>;

/** An answer Slack gave `ok: true`: the fields the bot reads (a post's channel and ts, say). */
export type WebApiResult = { ok: true } & Record<string, unknown>;

/** Calls one Web API method once (see {@link leanWebApi}). */
export type LeanWebApi = (method: string, args: WebApiArguments) => Promise<WebApiResult>;

/**
 * The Web API methods every conversation calls (chat.postMessage for each mirrored message, chat.update and
 * reactions.add / remove for each change of status) straight through the kept-alive fetch. Through a WebClient
 * each call cost about 60 µs of CPU over the call itself, with as much again in garbage: a request queue and a
 * retry wrapper, a redacted copy of the arguments and of the headers for debug lines it builds whether debug is on
 * or not, and the scopes read from every answer's headers. Trying again is for the caller (`SlackDesk.post` looks
 * for a post before it posts again; `SlackDesk.call` waits out rate limits and server errors).
 *
 * It answers as a WebClient that tries nothing again by itself answers (`retries: 0`, `rejectRateLimitedCalls`),
 * with @slack/web-api's own errors: `ok: false` is a WebAPIPlatformError (with the answer as `data`), a 429 with
 * Retry-After a WebAPIRateLimitedError (`retryAfter` in seconds), any other status but 200 a WebAPIHTTPError, a
 * connection that failed a WebAPIRequestError; the warnings Slack sends with an answer are logged.
 */
export function leanWebApi(fetch: KeptAliveFetch, options: { apiUrl: string; token: string; logger: Logger }): LeanWebApi {
  const base = options.apiUrl.replace(/\/?$/, '/');
  const headers = {
    Authorization: `Bearer ${options.token}`,
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    'User-Agent': `support-desk-bot node/${process.version.slice(1)}`,
  };
  return async (method, args) => {
    const fields: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(args)) if (value !== undefined) fields[key] = value;
    let response;
    try {
      response = await fetch(`${base}${method}`, { method: 'POST', headers, body: stringify(fields), redirect: 'error' });
    } catch (error) {
      options.logger.warn({ err: error, method }, 'a Slack Web API call failed on its way');
      throw new webApi.WebAPIRequestError(error instanceof Error ? error : new Error(String(error)));
    }
    if (response.status === 429) {
      const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
      if (Number.isNaN(retryAfter)) throw new Error(`Slack rate-limited ${method} without a valid Retry-After (${String(response.headers.get('retry-after'))})`);
      throw new webApi.WebAPIRateLimitedError(retryAfter);
    }
    const text = await response.text();
    if (response.status !== 200) throw new webApi.WebAPIHTTPError(response.status, response.statusText, Object.fromEntries(response.headers.entries()), text);
    let result: Record<string, unknown> & { ok?: unknown; error?: unknown; response_metadata?: { warnings?: string[] } };
    try {
      result = JSON.parse(text) as typeof result;
    } catch {
      result = { ok: false, error: text };
    }
    for (const warning of result.response_metadata?.warnings ?? []) options.logger.warn({ warning, method }, 'Slack sent a warning with an answer');
    if (result.ok !== true) throw new webApi.WebAPIPlatformError({ ...result, ok: false, error: String(result.error ?? 'unknown_error') });
    return result as WebApiResult;
  };
}
