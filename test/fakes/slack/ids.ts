import { randomBytes, randomFillSync } from 'node:crypto';

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Random bytes taken from a pool filled 4 KiB at a time. A `randomBytes` call per id was a system call per id
 * (2.37 µs of CPU, 0.38 from the pool): with thousands of events a second (the bench), a few percent of the
 * fake's own CPU, taken from the bot beside it. Callers read the bytes at once; the pool is refilled later.
 */
const pool = Buffer.alloc(4096);
let poolUsed = pool.length;
function random(length: number): Buffer {
  if (length > pool.length) return randomBytes(length);
  if (poolUsed + length > pool.length) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  poolUsed += length;
  return pool.subarray(poolUsed - length, poolUsed);
}

/** Random characters from an alphabet. */
export function randomChars(length: number, alphabet = ALNUM_UPPER): string {
  const bytes = random(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** Random lowercase hex. */
export function randomHex(length: number): string {
  return random(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

/** A Slack-looking id: prefix plus 10 upper-case alphanumerics (`C0A1B2C3D4`). */
export function slackId(prefix: string): string {
  return `${prefix}0${randomChars(9)}`;
}

/** A generated `block_id` / `action_id`, as Slack fills in when the app gave none. */
export function generatedBlockId(): string {
  return randomChars(5, ALNUM);
}

/** A `trigger_id` in Slack's format (`12345.98765.abcd2358fdea`). */
export function triggerId(): string {
  return `${Date.now()}${randomChars(3, '0123456789')}.${randomChars(12, '0123456789')}.${randomHex(32)}`;
}

/** An Events API `event_id`. */
export function eventId(): string {
  return `Ev${randomChars(9)}`;
}

/**
 * Message timestamps: strictly increasing `"1700000000.000100"` strings derived from the wall clock,
 * the way Slack's `ts` are unique per channel.
 */
export class TsClock {
  private last = 0n;

  next(): string {
    let micros = BigInt(Date.now()) * 1000n;
    if (micros <= this.last) micros = this.last + 1n;
    this.last = micros;
    return formatTs(micros);
  }
}

function formatTs(micros: bigint): string {
  const seconds = micros / 1_000_000n;
  const fraction = (micros % 1_000_000n).toString().padStart(6, '0');
  return `${seconds}.${fraction}`;
}

/** Whether a string looks like a Slack `ts` (`1700000000.000100`, or whole seconds). */
export function isTs(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,12}(\.\d{1,6})?$/.test(value);
}

/** A `ts` as microseconds, for ordering. */
export function tsKey(ts: string): bigint {
  const [seconds = '0', fraction = ''] = ts.split('.');
  return BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6) || '0');
}

/** Compare two `ts` values. */
export function compareTs(a: string, b: string): number {
  const ka = tsKey(a);
  const kb = tsKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Opaque pagination cursor, base64 like Slack's (`bmV4dF90czoxNTEy…` = `next_ts:1512…`). */
export function encodeCursor(kind: string, value: string): string {
  return Buffer.from(`${kind}:${value}`).toString('base64');
}

/** Decode a cursor from {@link encodeCursor}; undefined when it is not one of ours. */
export function decodeCursor(cursor: string, kind: string): string | undefined {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const prefix = `${kind}:`;
  return text.startsWith(prefix) ? text.slice(prefix.length) : undefined;
}
