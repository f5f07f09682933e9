import type sqlite3 from 'sqlite3';

/** What one checkpoint found: frames in the write-ahead log, and how many of them are now in the database file. */
export interface CheckpointResult {
  walFrames: number;
  checkpointed: number;
}

/**
 * WAL checkpoints on a connection of their own, in the background. By default sqlite copies the write-ahead
 * log back into the database file when a COMMIT leaves it over 1,000 pages, inside that COMMIT: the writer
 * stops for the copy and its fsync (56-82 ms measured under the bench's paced load), and every use case
 * waiting for the writer stops with it. Here the writer only checkpoints itself if the log grows past
 * `writerLimit` pages (a safety net), and a third connection runs PASSIVE checkpoints every `everyMs`: they
 * copy what no reader still needs, never wait for readers or the writer, and never make them wait.
 *
 * The same connection keeps the query planner's statistics (sqlite_stat1) up to date, as sqlite advises for
 * long-lived connections: `PRAGMA optimize=0x10002` when the database opens and every `optimizeEveryMs`, which
 * runs ANALYZE only on the tables whose size changed tenfold since they were last analysed, reading at most
 * `analysisLimit` rows of each index. Without statistics the planner guesses each index's selectivity, whatever
 * the desk's thousands of tickets say.
 */
export class SqliteCheckpoints {
  private timer: NodeJS.Timeout | null = null;
  private optimizer: NodeJS.Timeout | null = null;
  private running: Promise<CheckpointResult> | null = null;
  private closed = false;

  private constructor(
    private readonly connection: sqlite3.Database,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Pages the writer's own log may reach before it checkpoints in its COMMIT (about 32 MB of 4 KiB pages). */
  static readonly writerLimit = 8_000;

  /** Rows of each index ANALYZE reads: an estimate in a few milliseconds, however large the tables grow. */
  static readonly analysisLimit = 1_000;

  /** Opens the checkpoint connection on the database at `path` and starts checkpointing every `everyMs`. */
  static async start(driver: typeof sqlite3, path: string, options: { everyMs: number; optimizeEveryMs: number; onError: (error: unknown) => void }): Promise<SqliteCheckpoints> {
    const connection = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db: sqlite3.Database = new driver.Database(path, driver.OPEN_READWRITE, (error) => (error ? reject(error) : resolve(db)));
    });
    const checkpoints = new SqliteCheckpoints(connection, options.onError);
    await checkpoints.exec('PRAGMA synchronous = NORMAL');
    await checkpoints.exec(`PRAGMA analysis_limit = ${SqliteCheckpoints.analysisLimit}`);
    // A database busy at start is no reason not to start: the statistics wait for the next round.
    await checkpoints.optimize().catch(options.onError);
    checkpoints.optimizer = setInterval(() => void checkpoints.optimize().catch(options.onError), options.optimizeEveryMs);
    checkpoints.optimizer.unref();
    checkpoints.timer = setInterval(() => {
      if (!checkpoints.running) checkpoints.checkpoint().catch(options.onError);
    }, options.everyMs);
    checkpoints.timer.unref();
    return checkpoints;
  }

  private exec(sql: string): Promise<Array<Record<string, unknown>>> {
    return new Promise((resolve, reject) => this.connection.all(sql, (error, rows) => (error ? reject(error) : resolve(rows as Array<Record<string, unknown>>))));
  }

  /** Runs one PASSIVE checkpoint now (or waits for the one running). */
  checkpoint(): Promise<CheckpointResult> {
    if (this.running) return this.running;
    if (this.closed) return Promise.resolve({ walFrames: 0, checkpointed: 0 });
    const run = this.exec('PRAGMA wal_checkpoint(PASSIVE)')
      .then((rows) => ({ walFrames: Number(rows[0]?.log ?? 0), checkpointed: Number(rows[0]?.checkpointed ?? 0) }))
      .finally(() => {
        this.running = null;
      });
    this.running = run;
    return run;
  }

  /**
   * Gathers the query planner's statistics where they are missing or stale (see the class). ANALYZE writes: it
   * waits for the writer's lock as long as node-sqlite3's busy timeout, 1 s by default (the PASSIVE checkpoints
   * on this connection never wait).
   */
  async optimize(): Promise<void> {
    if (!this.closed) await this.exec('PRAGMA optimize = 0x10002');
  }

  /** Stops the timers, lets a running checkpoint finish, and closes the connection. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.optimizer) clearInterval(this.optimizer);
    this.timer = null;
    this.optimizer = null;
    this.closed = true;
    await this.running?.catch(this.onError);
    await new Promise<void>((resolve) => this.connection.close(() => resolve()));
  }
}
