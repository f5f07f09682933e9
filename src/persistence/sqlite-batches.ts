import type { SqliteStatements } from './sqlite-statements.js';

/** What the batch knows of one work while it runs: whether it has sent a statement that writes. */
export interface WorkSession {
  wrote: boolean;
}

interface Waiting {
  work: (session: WorkSession) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A failure sqlite reported (the statement, or the whole transaction, may have been undone by it). */
function fromSqlite(error: unknown): boolean {
  const code = (error as { driverError?: { code?: unknown } })?.driverError?.code ?? (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/**
 * Transactions on one sqlite connection, one after another and grouped: the works waiting when a transaction
 * begins run in it, one by one, and it commits once for all of them (group commit). sqlite runs one writer at a
 * time anyway, and each statement is a trip through libuv's thread pool that waits its turn on a busy event
 * loop: under load, a BEGIN and a COMMIT per work were a third of the trips on the one path every write takes.
 *
 * Each work still sees a database as if it ran alone after those before it, and no caller hears of its work
 * before the COMMIT that makes it durable. A work that fails having written nothing (a refusal) fails alone.
 * One that fails having written, or with an error of sqlite's own, takes the transaction with it: it is rolled
 * back, the failing work gets its error, and the others of the batch run again from the start, in the next
 * transaction. A failed COMMIT fails every work of the batch (their callers retry what is transient).
 */
export class SqliteBatches {
  private readonly waiting: Waiting[] = [];
  private draining = false;

  constructor(
    private readonly statements: () => SqliteStatements,
    private readonly options: {
      /** `BEGIN IMMEDIATE` for writes (the write lock first, waiting for it); `BEGIN` for a read snapshot. */
      begin: string;
      /** At most this many works in one transaction, so the first of them is not kept waiting long. */
      maxBatch: number;
      /** Reads only: a failed COMMIT of a snapshot loses nothing, and its works keep what they read. */
      readOnly?: boolean;
    },
  ) {}

  run<T>(work: (session: WorkSession) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.draining) return;
      this.draining = true;
      // After the current task's own synchronous work: what it sends at once goes in one transaction.
      queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.runBatch(this.waiting.splice(0, this.options.maxBatch));
    } finally {
      this.draining = false;
    }
  }

  private async runBatch(batch: Waiting[]): Promise<void> {
    const statements = this.statements();
    try {
      await statements.run(this.options.begin);
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    const done: Array<{ waiting: Waiting; value: unknown }> = [];
    for (let i = 0; i < batch.length; i++) {
      const waiting = batch[i]!;
      const session: WorkSession = { wrote: false };
      try {
        done.push({ waiting, value: await waiting.work(session) });
      } catch (error) {
        if (!session.wrote && !fromSqlite(error)) {
          waiting.reject(error);
          continue;
        }
        await statements.run('ROLLBACK').catch(() => undefined);
        waiting.reject(error);
        this.waiting.unshift(...done.map((d) => d.waiting), ...batch.slice(i + 1));
        return;
      }
    }
    try {
      await statements.run('COMMIT');
    } catch (error) {
      if (!this.options.readOnly) {
        await statements.run('ROLLBACK').catch(() => undefined);
        for (const { waiting } of done) waiting.reject(error);
        return;
      }
    }
    for (const { waiting, value } of done) waiting.resolve(value);
  }
}
