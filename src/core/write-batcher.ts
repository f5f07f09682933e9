/**
 * Groups small writes that come while the one before them is being written: the first goes at once, and those
 * that arrive meanwhile go together next, in one statement. An idle bot writes each as it comes; under load each
 * statement carries the writes of the wait before it. On PostgreSQL a statement of its own was a transaction
 * and a commit each.
 *
 * A group that fails is written again one by one, so a bad write fails alone and the others land. Those writes
 * go side by side: when the database itself is failing, each would wait out the store's retries, and one after
 * another they held every copy behind them that long times the group's size.
 */
export class WriteBatcher<In, Out> {
  private waiting: Array<{ item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }> = [];
  private writing = false;

  constructor(
    /** Writes the items, in one statement, and gives one result per item, in their order. */
    private readonly write: (items: readonly In[]) => Promise<Out[]>,
    /** The most items in one statement. */
    private readonly max = 50,
  ) {}

  add(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.max);
        try {
          const results = await this.write(group.map((w) => w.item));
          group.forEach((w, i) => w.resolve(results[i]!));
        } catch (error) {
          if (group.length === 1) {
            group[0]!.reject(error);
            continue;
          }
          await Promise.all(
            group.map((w) =>
              this.write([w.item]).then(
                (results) => w.resolve(results[0]!),
                (alone: unknown) => w.reject(alone),
              ),
            ),
          );
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
