/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Generates real-looking, strictly increasing Discord snowflakes:
 * `(ms since Discord epoch) << 22 | worker << 17 | process << 12 | increment`.
 */
export class SnowflakeGenerator {
  private lastMs = 0n;
  private increment = 0n;

  constructor(
    private readonly worker = 1n,
    private readonly process = 0n,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A new id, greater than every id generated before. */
  next(): string {
    let ms = BigInt(this.clock());
    if (ms < this.lastMs) ms = this.lastMs;
    if (ms === this.lastMs) {
      this.increment += 1n;
      if (this.increment > 4095n) {
        ms += 1n;
        this.increment = 0n;
      }
    } else {
      this.increment = 0n;
    }
    this.lastMs = ms;
    return (((ms - DISCORD_EPOCH) << 22n) | (this.worker << 17n) | (this.process << 12n) | this.increment).toString();
  }
}

/** Milliseconds since the Unix epoch encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** Discord's timestamp format: ISO 8601 with microseconds and an explicit offset. */
export function discordTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

const DECIMAL = /^[1-9]\d*$/;

/**
 * Compares two snowflakes numerically. Plain decimal ids (all the fake makes) compare by length, then as text:
 * no BigInt per comparison, which the fake's sorted lists did thousands of times per call under load.
 */
export function compareSnowflakes(a: string, b: string): number {
  if (DECIMAL.test(a) && DECIMAL.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
