import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubText } from '../src/logger.js';

/** A stream that keeps what pino writes, to read the real output. */
function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), text: () => lines.join('\n') };
}

describe('logging', () => {
  const discordToken = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789';

  it('GIVEN secrets in fields, messages and errors WHEN logged THEN none reaches the output', () => {
    const out = sink();
    const logger = createLogger({ destination: out.stream, secrets: ['s3cr3t-signing'] });
    logger.info({ token: 'plain-token', headers: { authorization: 'Bot abc' }, config: { signingSecret: 'x' } }, 'connecting');
    logger.info(`login with ${discordToken}`);
    logger.warn({ url: 'https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb246MTIzOmFiY2RlZmdoaWprbG1ub3A/callback' }, 'failed');
    logger.error({ err: new Error('bad auth xoxb-1111-2222-abcdef and s3cr3t-signing') }, 'slack');
    logger.info({ database: 'postgres://bot:hunter2@db:5432/support' }, 'db');
    const text = out.text();
    for (const secret of ['plain-token', 'Bot abc', discordToken, 'aW50ZXJhY3Rpb246MTIzOmFiY2RlZmdoaWprbG1ub3A', 'xoxb-1111', 's3cr3t-signing', 'hunter2']) {
      expect(text).not.toContain(secret);
    }
    const [first, second, third, fourth, fifth] = out.lines();
    expect(first).toMatchObject({ token: '[redacted]', headers: { authorization: '[redacted]' }, config: { signingSecret: '[redacted]' }, msg: 'connecting' });
    expect(second!.msg).toBe('login with [discord token]');
    expect(third!.url).toBe('https://discord.com/api/v10/interactions/123/[token]/callback');
    expect((fourth!.err as { message: string }).message).toBe('bad auth [slack token] and [secret]');
    expect(fifth!.database).toBe('postgres://bot:***@db:5432/support');
  });

  it('scrubs tokens out of free text', () => {
    expect(scrubText('xapp-1-A0-123 and xoxb-9')).toBe('[slack app token] and [slack token]');
  });
});
