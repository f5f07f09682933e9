/**
 * Answers kept for a while, by key, as the promises that give them: those who ask while the first question is
 * under way share it (a member's two tickets opened at once read their profile once), and an answer that fails
 * is forgotten, so the next one asks again. At most `max` keys are kept, the longest kept dropped first.
 */
export class PromiseCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    /** The clock the entries age by, in milliseconds. */
    private readonly now: () => number = Date.now,
    private readonly max = 5000,
  ) {}

  /** The kept answer for `key`, or `load`'s, kept from now on. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const at = this.now();
    const kept = this.entries.get(key);
    if (kept && kept.expiresAt > at) return kept.value;
    const value = load();
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: at + this.ttlMs });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** Drops what is kept for `key` (an answer found wrong later): the next `get` asks again. */
  forget(key: string): void {
    this.entries.delete(key);
  }
}
