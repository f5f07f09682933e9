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
  /** {@link patch}'s statements, by the fields they write. */
  private readonly patchSql = new Map<string, string>();

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

  private values(entity: Partial<T>): unknown[] {
    return this.written.map((c) => this.dataSource.driver.preparePersistentValue(entity[c.propertyName as keyof T] ?? null, c));
  }

  /** The INSERT of a new row and its parameters; the new id comes back as `RETURNING` (PostgreSQL) or lastID (sqlite). */
  insert(entity: Partial<T>): [string, unknown[]] {
    return [this.insertSql, this.values(entity)];
  }

  /** The UPDATE writing every column of the row with this id. */
  update(id: number, entity: Partial<T>): [string, unknown[]] {
    return [this.updateSql, [...this.values(entity), id]];
  }

  /** The UPDATE writing only these fields of the row with this id, and giving the whole row back (`RETURNING`). */
  patch(id: number, fields: Partial<T>): [string, unknown[]] {
    const columns = this.written.filter((c) => Object.hasOwn(fields, c.propertyName));
    const key = columns.map((c) => c.propertyName).join(',');
    let sql = this.patchSql.get(key);
    if (sql === undefined) {
      if (columns.length === 0) throw new Error(`nothing to write to ${this.table}`);
      const sets = columns.map((c, i) => `"${c.databaseName}" = ${this.param(i + 1)}`).join(', ');
      sql = `UPDATE ${this.table} SET ${sets} WHERE "id" = ${this.param(columns.length + 1)} RETURNING ${this.columnList}`;
      this.patchSql.set(key, sql);
    }
    const values = columns.map((c) => this.dataSource.driver.preparePersistentValue(fields[c.propertyName as keyof T] ?? null, c));
    return [sql, [...values, id]];
  }
}
