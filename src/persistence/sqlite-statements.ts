import type sqlite3 from 'sqlite3';

const CACHE_SIZE = 200;

/**
 * Prepared statements on the sqlite connection TypeORM opened, kept and reused. Each `Database#all` or `#run`
 * of sqlite3 prepares, runs and finalizes a statement: three trips through libuv's thread pool, each waiting
 * its turn on a busy event loop. A kept statement runs in one. The store's transactions run one at a time, so a
 * statement is never used by two of them at once.
 */
export class SqliteStatements {
  private readonly statements = new Map<string, sqlite3.Statement>();

  constructor(private readonly connection: sqlite3.Database) {}

  private statement(sql: string): Promise<sqlite3.Statement> {
    const kept = this.statements.get(sql);
    if (kept) {
      // Most recently used last: the first entry is the one to drop when the cache is full.
      this.statements.delete(sql);
      this.statements.set(sql, kept);
      return Promise.resolve(kept);
    }
    return new Promise((resolve, reject) => {
      const statement = this.connection.prepare(sql, (error) => {
        if (error) return reject(error);
        if (this.statements.size >= CACHE_SIZE) {
          const [oldest, dropped] = this.statements.entries().next().value as [string, sqlite3.Statement];
          this.statements.delete(oldest);
          dropped.finalize();
        }
        this.statements.set(sql, statement);
        resolve(statement);
      });
    });
  }

  /** Rows of a statement that returns rows (SELECT, or a write with RETURNING). */
  async all(sql: string, parameters: readonly unknown[] = []): Promise<Array<Record<string, unknown>>> {
    const statement = await this.statement(sql);
    return new Promise((resolve, reject) => statement.all(parameters as unknown[], (error, rows) => (error ? reject(error) : resolve(rows as Array<Record<string, unknown>>))));
  }

  /** A write: the id of the row it inserted and how many rows it changed. */
  async run(sql: string, parameters: readonly unknown[] = []): Promise<{ lastID: number; changes: number }> {
    const statement = await this.statement(sql);
    return new Promise((resolve, reject) =>
      statement.run(parameters as unknown[], function (this: sqlite3.RunResult, error: Error | null) {
        if (error) reject(error);
        else resolve({ lastID: this.lastID, changes: this.changes });
      }),
    );
  }

  /** Finalizes every kept statement (before the connection closes). */
  async close(): Promise<void> {
    const kept = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(kept.map((s) => new Promise<void>((resolve) => s.finalize(() => resolve()))));
  }
}
