import { randomBytes } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log object. */
const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
  'headers["x-slack-signature"]',
  '*.headers["x-slack-signature"]',
];

/**
 * Secrets that hide inside text: Discord bot tokens, Slack tokens, the token part of interaction and
 * webhook URLs (discord.js puts those URLs in its errors), and passwords in database URLs.
 */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\b[MNO][\w-]{23,27}\.[\w-]{6,7}\.[\w-]{27,40}\b/g, '[discord token]'],
  [/\bxox[abposre]-[\w-]+/g, '[slack token]'],
  [/\bxapp-[\w-]+/g, '[slack app token]'],
  [/\/(interactions|webhooks)\/(\d+)\/[\w.-]{16,}/g, '/$1/$2/[token]'],
  [/(\/\/[^:/@\s]+:)[^@\s]*@/g, '$1***@'],
];

export function scrubText(text: string, secrets: readonly string[] = []): string {
  let scrubbed = text;
  for (const secret of secrets) if (secret.length >= 6) scrubbed = scrubbed.split(secret).join('[secret]');
  for (const [pattern, replacement] of SECRET_PATTERNS) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}

function scrubValue(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  // pino applies this formatter before its serializers, so errors are serialized here to keep their text.
  if (value instanceof Error) return scrubValue(pino.stdSerializers.err(value), secrets, depth + 1);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, secrets, depth + 1);
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** Human-readable lines (default: when stdout is a terminal). */
  pretty?: boolean;
  /** Known secret values (tokens from the environment), scrubbed from every line. */
  secrets?: readonly string[];
  /** Where lines go (default stdout); tests pass a stream and read it. */
  destination?: DestinationStream;
}

/**
 * The bot's logger: pino, JSON lines by default, readable when run in a terminal. Tokens and secrets are
 * removed twice: by path (pino's redaction) and by pattern and value inside every string, error messages
 * and stacks included.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? [];
  const usePretty = options.pretty ?? (!options.destination && process.stdout.isTTY === true);
  const destination = options.destination ?? (usePretty ? pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }) : undefined);
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        err: (error: unknown) => (error instanceof Error ? scrubValue(error, secrets, 0) : error),
      },
      formatters: {
        log: (object) => scrubValue(object, secrets, 0) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a, secrets) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** A short id to quote to a user when something broke, so the log line can be found. */
export function referenceId(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}
