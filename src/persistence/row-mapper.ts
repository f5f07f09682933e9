import type { DataSource, EntitySchema, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { Dialect } from './entities.js';

/**
 * Ready-made SQL for the statements every message runs (read a ticket, write it back, add a message or an
 * event), built once from TypeORM's metadata and converting values with TypeORM's own driver: on that path the
 * query builder cost more than the queries it built. Column names, types and conversions stay TypeORM's.
 */
export class RowMapper<T extends ObjectLiteral> {
  readonly table: string;
  /** `"id", "desk_id", …`: every column, for SELECT. */
  readonly columnList: string;
  private readonly columns: ColumnMetadata[];
  private readonly written: ColumnMetadata[];
  private readonly insertSql: string;
  private readonly updateSql: string;
  /** {@link patch}'s and {@link update}'s statements of some columns, by the fields they write. */
  private readonly patchSql = new Map<string, string>();
  /** {@link columnListKeeping}'s lists, by the fields they keep. */
  private readonly keptLists = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    entity: EntitySchema<T>,
    private readonly dialect: Dialect,
  ) {
    const metadata = dataSource.getMetadata(entity);
    this.table = `"${metadata.tableName}"`;
    this.columns = metadata.columns;
    this.written = metadata.columns.filter((c) => !c.isGenerated);
    this.columnList = this.columns.map((c) => `"${c.databaseName}"`).join(', ');
    const names = this.written.map((c) => `"${c.databaseName}"`);
    this.insertSql = `INSERT INTO ${this.table} (${names.join(', ')}) VALUES (${names.map((_, i) => this.param(i + 1)).join(', ')})${dialect === 'postgres' ? ' RETURNING "id"' : ''}`;
    this.updateSql = `UPDATE ${this.table} SET ${names.map((n, i) => `${n} = ${this.param(i + 1)}`).join(', ')} WHERE "id" = ${this.param(names.length + 1)}`;
  }

  /** The placeholder of the `index`-th parameter (1-based). */
  param(index: number): string {
    return this.dialect === 'postgres' ? `$${index}` : '?';
  }

  /** A row as the database returned it, as the entity TypeORM would have built. */
  hydrate(row: ObjectLiteral): T {
    const entity: ObjectLiteral = {};
    for (const column of this.columns) entity[column.propertyName] = this.dataSource.driver.prepareHydratedValue(row[column.databaseName], column);
    return entity as T;
  }

  /**
   * Every column for a SELECT, as {@link columnList}, but those whose fields are not in `kept` read as NULL: for a
   * part of a UNION whose rows only some fields of are read (see {@link hydrateOnly}).
   */
  columnListKeeping(kept: ReadonlyArray<keyof T & string>): string {
    const key = kept.join(',');
    let list = this.keptLists.get(key);
    if (list === undefined) {
      list = this.columns.map((c) => (kept.includes(c.propertyName as keyof T & string) ? `"${c.databaseName}"` : `NULL AS "${c.databaseName}"`)).join(', ');
      this.keptLists.set(key, list);
    }
    return list;
  }

  /** Only these fields of a row, converted as {@link hydrate} converts them. */
  hydrateOnly<K extends keyof T & string>(row: ObjectLiteral, fields: readonly K[]): Pick<T, K> {
    const entity: ObjectLiteral = {};
    for (const column of this.columns) {
      if (fields.includes(column.propertyName as K)) entity[column.propertyName] = this.dataSource.driver.prepareHydratedValue(row[column.databaseName], column);
    }
    return entity as Pick<T, K>;
  }

  private values(entity: Partial<T>): unknown[] {
    return this.written.map((c) => this.dataSource.driver.preparePersistentValue(entity[c.propertyName as keyof T] ?? null, c));
  }

  /** The INSERT of a new row and its parameters; the new id comes back as `RETURNING` (PostgreSQL) or lastID (sqlite). */
  insert(entity: Partial<T>): [string, unknown[]] {
    return [this.insertSql, this.values(entity)];
  }

  /**
   * The UPDATE of the row with this id. Given the row as it was read (`before`), it writes only the columns whose
   * value changed, and is null when none did: a column left out of the SET list leaves its indexes alone (a
   * ticket has thirteen, and sqlite rewrites an index's entry for every column of it in the SET list, changed or
   * not, then logs each page it touched). Without `before`, it writes every column.
   */
  update(id: number, entity: T, before?: T): [string, unknown[]] | null {
    if (!before) return [this.updateSql, [...this.values(entity), id]];
    const changed = this.written.filter((c) => !sameValue(entity[c.propertyName as keyof T], before[c.propertyName as keyof T]));
    if (changed.length === 0) return null;
    return this.partial(id, entity, changed, false);
  }

  /** The UPDATE writing only these fields of the row with this id, and giving the whole row back (`RETURNING`). */
  patch(id: number, fields: Partial<T>): [string, unknown[]] {
    const columns = this.written.filter((c) => Object.hasOwn(fields, c.propertyName));
    if (columns.length === 0) throw new Error(`nothing to write to ${this.table}`);
    return this.partial(id, fields, columns, true);
  }

  private partial(id: number, fields: Partial<T>, columns: ColumnMetadata[], returning: boolean): [string, unknown[]] {
    const key = `${returning ? 'returning:' : ''}${columns.map((c) => c.propertyName).join(',')}`;
    let sql = this.patchSql.get(key);
    if (sql === undefined) {
      const sets = columns.map((c, i) => `"${c.databaseName}" = ${this.param(i + 1)}`).join(', ');
      sql = `UPDATE ${this.table} SET ${sets} WHERE "id" = ${this.param(columns.length + 1)}${returning ? ` RETURNING ${this.columnList}` : ''}`;
      this.patchSql.set(key, sql);
    }
    const values = columns.map((c) => this.dataSource.driver.preparePersistentValue(fields[c.propertyName as keyof T] ?? null, c));
    return [sql, [...values, id]];
  }
}

/** Whether two values of an entity's field would be stored the same: dates by their time, JSON by its text. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return false;
}
