/**
 * Runs tasks one at a time per key, in the order they were queued, and different keys side by side.
 * Adapters key platform events by ticket, so a ticket's messages are stored and mirrored in order.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly running = new Set<Promise<unknown>>();
  /** Tasks queued or running, per key. */
  private readonly counts = new Map<string, number>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    this.running.add(tail);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    void tail.then(() => {
      this.running.delete(tail);
      const left = this.counts.get(key)! - 1;
      if (left === 0) this.counts.delete(key);
      else this.counts.set(key, left);
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** How many tasks of a key are queued or running (the one running counts). */
  pending(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** How many keys have work queued or running. */
  get size(): number {
    return this.tails.size;
  }

  /** Resolves once everything queued so far has finished. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
