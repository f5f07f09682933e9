import type { Writable } from 'node:stream';
import { In, IsNull, LessThan, LessThanOrEqual, MoreThan, Not, type DataSource, type EntityManager, type ObjectLiteral, type Repository } from 'typeorm';
import type {
  ActiveTicket,
  Attachment,
  AuthorRole,
  FindOptions,
  MessageCopy,
  MessageCopyPurpose,
  NewTicket,
  NewTicketEvent,
  NewTicketMessage,
  Openings,
  Participant,
  Platform,
  StoredAttachment,
  Ticket,
  TicketEvent,
  TicketMessage,
  TicketQuery,
  TicketRating,
  TicketSpaceRef,
  TicketStore,
  TicketTransaction,
  WorkOptions,
} from '../core/index.js';
import { ACTIVE_STATUSES } from '../core/index.js';
import { withRetries } from '../util/retry.js';
import type { Dialect, Entities, MessageCopyRow, MessageRevisionRow, MessageRow } from './entities.js';
import { coalesceWrites } from './coalesced-writes.js';
import { RowMapper } from './row-mapper.js';
import { SqliteBatches, type WorkSession } from './sqlite-batches.js';
import { SqliteStatements } from './sqlite-statements.js';
import type sqlite3 from 'sqlite3';

/** What an opening reads of the requester's active tickets (see findOpeningsOf). */
const ACTIVE_FIELDS = ['id', 'number', 'subject'] as const satisfies ReadonlyArray<keyof ActiveTicket>;

/** Works grouped in one sqlite transaction at most (a batch's first work waits for the others' statements). */
const MAX_BATCH = 16;

/** A statement that only reads: it leaves a failed work's batch as it was. */
const READS = /^\s*SELECT\b/i;

/**
 * PostgreSQL: the name each hand-written statement is prepared under. A named statement is parsed once per
 * connection and PostgreSQL keeps its plan; sent unnamed, each was parsed and planned again at every call (about
 * 0.3 ms of the server's CPU each, most of its work per message under load). The names are the same for every
 * connection, and a text always has the same name.
 */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) statementNames.set(sql, (name = `desk_${statementNames.size + 1}`));
  return name;
}

/** What node-postgres gives for a query: the pg client TypeORM's PostgreSQL query runner holds. */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: ObjectLiteral[]; rowCount: number | null }>;
  query(text: string): Promise<unknown>;
  /** node-postgres's connection: its socket (a TLS one, with TLS) once connected. */
  connection: { stream: Writable };
}

/** Attempts of a transaction, the pauses between them doubling from 20 ms (about a second in all). */
const RETRIES = 6;

/** PostgreSQL codes of a failure that a new attempt can get past: lost conflicts, and a server going away. */
const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '57P01', // admin_shutdown (the connection was terminated)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '08001', // unable to establish a connection
  '53300', // too_many_connections
]);
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/**
 * A failure worth another try of the whole transaction: the database rolled it back (a lost lock conflict,
 * SQLITE_BUSY) or the connection died with it (pg's pool then hands out a new one).
 */
function isTransient(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string } }).driverError;
  const code = driverError?.code ?? (error as { code?: string }).code;
  if (code && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NETWORK_CODES.has(code))) return true;
  const message = String((error as Error)?.message ?? '');
  return message.includes('SQLITE_BUSY') || /Connection terminated|connection error|Connection ended/i.test(message);
}

/**
 * The TypeORM implementation of the core's store. With sqlite, TypeORM drives a single connection, so
 * transactions are queued here one after another (sqlite serializes writers anyway), the works waiting
 * grouped in one transaction (see {@link SqliteBatches}); with PostgreSQL
 * they run side by side on the pool, and row locks, advisory locks and the counter upsert keep them apart.
 * A transaction that loses a lock conflict (deadlock, serialization failure, SQLITE_BUSY) or its connection
 * runs again, whole: what it wrote was rolled back with it. Bad data is never retried.
 */
export class TypeormTicketStore implements TicketStore {
  /** sqlite only: write transactions, grouped (see {@link SqliteBatches}). */
  private readonly writes = new SqliteBatches(() => this.sqliteStatements(), { begin: 'BEGIN IMMEDIATE', maxBatch: MAX_BATCH });

  private readonly rows: Mappers;
  /** sqlite only: the kept statements of the hot path, on TypeORM's connection. */
  private statements: SqliteStatements | null = null;
  /** sqlite only: reads, on the reader connection, grouped in read snapshots. */
  private readonly reads = new SqliteBatches(() => this.readerSqliteStatements(this.reader!), { begin: 'BEGIN', maxBatch: MAX_BATCH, readOnly: true });
  private readerStatements: SqliteStatements | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: Dialect,
    private readonly entities: Entities,
    /** sqlite only: a second connection to the same file, for {@link read}. */
    private readonly reader: DataSource | null = null,
  ) {
    this.rows = {
      tickets: new RowMapper(dataSource, entities.TicketEntity, dialect),
      messages: new RowMapper(dataSource, entities.MessageEntity, dialect),
      events: new RowMapper(dataSource, entities.EventEntity, dialect),
    };
  }

  transaction<T>(work: (tx: TicketTransaction) => Promise<T>, options?: WorkOptions): Promise<T> {
    const once =
      this.dialect === 'sqlite'
        ? () => this.writes.run((session) => this.inBatch(this.dataSource, this.sqliteStatements(), session, work))
        : options?.oneStatement
          ? () => this.pgStatement(work)
          : () => this.pgTransaction('BEGIN', work);
    return withRetries(once, { tries: RETRIES, baseDelayMs: 20, retryable: isTransient });
  }

  read<T>(work: (tx: TicketTransaction) => Promise<T>, options?: WorkOptions): Promise<T> {
    const reader = this.reader;
    if (this.dialect === 'postgres') {
      const once = options?.oneStatement ? () => this.pgStatement(work) : () => this.snapshot(work);
      return withRetries(once, { tries: RETRIES, baseDelayMs: 20, retryable: isTransient });
    }
    if (!reader) return this.transaction(work);
    const once = () => this.reads.run((session) => this.inBatch(reader, this.readerSqliteStatements(reader), session, work));
    return withRetries(once, { tries: RETRIES, baseDelayMs: 20, retryable: isTransient });
  }

  /**
   * PostgreSQL: a read in one REPEATABLE READ, READ ONLY transaction. Every statement of it sees the same
   * snapshot (at READ COMMITTED, the default, each statement took its own), and a write in it is refused, as
   * on sqlite's read-only reader connection. A read-only transaction never fails on a serialization conflict.
   */
  private snapshot<T>(work: (tx: TicketTransaction) => Promise<T>): Promise<T> {
    return this.pgTransaction('START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY', work);
  }

  /**
   * PostgreSQL: one transaction on a connection of the pool, begun with `begin`. The pool's connections
   * pipeline (see `openDatabase`): the BEGIN is sent without waiting for its answer, so it reaches the server
   * with the work's first statement, and statements the work sends side by side go out together. Through
   * TypeORM's `transaction`, BEGIN and COMMIT each went through its logger and broadcaster, and BEGIN was a
   * round trip of its own. TypeORM's query runner is told a transaction is active, so the repositories on it
   * begin none of their own. A failure rolls back (the ROLLBACK follows whatever was already sent).
   */
  private async pgTransaction<T>(begin: string, work: (tx: TicketTransaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PgClient;
    // BEGIN and the first statement, and statements sent side by side, leave in one write.
    coalesceWrites(client.connection.stream);
    const active = runner as { isTransactionActive: boolean };
    try {
      const begun = client.query(begin);
      // Its failure is the work's first statement's too; it is awaited below, and never left unhandled.
      begun.catch(() => undefined);
      active.isTransactionActive = true;
      const tx = new TypeormTicketTransaction(runner.manager, this.dialect, this.entities, this.rows);
      // The work's last statements (`tx.last`) take the COMMIT with them, without waiting for their answers.
      tx.commitAhead = () => client.query('COMMIT');
      let result: T;
      try {
        result = await work(tx);
        await begun;
      } catch (error) {
        // A COMMIT sent behind a statement that failed ends the transaction as a ROLLBACK (nothing is kept).
        if (tx.committed) await tx.committed.catch(() => undefined);
        else await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      await (tx.committed ?? client.query('COMMIT'));
      return result;
    } finally {
      active.isTransactionActive = false;
      await runner.release();
    }
  }

  /**
   * PostgreSQL: a work of one statement, on a connection of the pool, outside any explicit transaction: the
   * statement is its own. Its TicketTransaction refuses a second statement of its own; a TypeORM repository
   * call in it would begin a transaction of its own, as the runner is not told of one.
   */
  private async pgStatement<T>(work: (tx: TicketTransaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      return await work(new TypeormTicketTransaction(runner.manager, this.dialect, this.entities, this.rows, null, null, 1));
    } finally {
      await runner.release();
    }
  }

  private sqliteStatements(): SqliteStatements {
    return (this.statements ??= new SqliteStatements(connectionOf(this.dataSource)));
  }

  private readerSqliteStatements(reader: DataSource): SqliteStatements {
    return (this.readerStatements ??= new SqliteStatements(connectionOf(reader)));
  }

  /**
   * One work inside a sqlite transaction that {@link SqliteBatches} began. TypeORM's query runner is told a
   * transaction is active (its repositories then begin none of their own), and every statement that is not a
   * SELECT, ours or TypeORM's, marks the work as one that wrote.
   */
  private async inBatch<T>(dataSource: DataSource, statements: SqliteStatements, session: WorkSession, work: (tx: TicketTransaction) => Promise<T>): Promise<T> {
    const runner = dataSource.createQueryRunner();
    (runner as { isTransactionActive: boolean }).isTransactionActive = true;
    const query = runner.query.bind(runner);
    runner.query = ((sql: string, ...rest: unknown[]) => {
      if (!READS.test(sql)) session.wrote = true;
      return (query as (...args: unknown[]) => Promise<unknown>)(sql, ...rest);
    }) as typeof runner.query;
    try {
      return await work(new TypeormTicketTransaction(runner.manager, this.dialect, this.entities, this.rows, statements, session));
    } finally {
      (runner as { isTransactionActive: boolean }).isTransactionActive = false;
      await runner.release();
    }
  }

  /** Lets go of what the store keeps on the connections; the DataSources close after this. */
  async close(): Promise<void> {
    await this.statements?.close();
    await this.readerStatements?.close();
    this.statements = null;
    this.readerStatements = null;
  }
}

/** The sqlite3 connection TypeORM opened for a sqlite DataSource. */
function connectionOf(dataSource: DataSource): sqlite3.Database {
  return (dataSource.driver as unknown as { databaseConnection: sqlite3.Database }).databaseConnection;
}

interface Mappers {
  tickets: RowMapper<Ticket>;
  messages: RowMapper<MessageRow>;
  events: RowMapper<TicketEvent>;
}

/** How sqlite stores a timestamp written through TypeORM, for raw queries: UTC `YYYY-MM-DD HH:MM:SS.SSS`. */
function sqlTime(dialect: Dialect, date: Date): Date | string {
  return dialect === 'sqlite' ? date.toISOString().replace('T', ' ').replace('Z', '') : date;
}

class TypeormTicketTransaction implements TicketTransaction {
  /** PostgreSQL: the statements this work sent through {@link run}. */
  private sent = 0;
  /** PostgreSQL, in a transaction: sends its COMMIT, which {@link last} sends with the work's last statements. */
  commitAhead: (() => Promise<unknown>) | null = null;
  /** The COMMIT {@link last} sent, once sent. */
  committed: Promise<unknown> | null = null;
  /** The work sent its last statements: another one is a mistake (it would come after the COMMIT). */
  private ended = false;
  /** Each ticket this work read or wrote, as the database now has it: {@link updateTicket} writes what differs. */
  private readonly stored = new WeakMap<Ticket, Ticket>();
  private readonly tickets: Repository<Ticket>;
  private readonly messages: Repository<MessageRow>;
  private readonly copies: Repository<MessageCopyRow>;
  private readonly revisions: Repository<MessageRevisionRow>;
  private readonly attachments: Repository<Attachment>;
  private readonly events: Repository<TicketEvent>;
  private readonly participants: Repository<Participant>;
  private readonly ratings: Repository<TicketRating>;

  constructor(
    private readonly manager: EntityManager,
    private readonly dialect: Dialect,
    entities: Entities,
    private readonly rows: Mappers,
    private readonly statements: SqliteStatements | null = null,
    /** sqlite only: told when this work sends a statement that writes. */
    private readonly session: WorkSession | null = null,
    /** PostgreSQL: the statements this work may send, when it runs outside a transaction (see `pgStatement`). */
    private readonly statementLimit: number | null = null,
  ) {
    this.tickets = manager.getRepository(entities.TicketEntity);
    this.messages = manager.getRepository(entities.MessageEntity);
    this.copies = manager.getRepository(entities.MessageCopyEntity);
    this.revisions = manager.getRepository(entities.MessageRevisionEntity);
    this.attachments = manager.getRepository(entities.AttachmentEntity);
    this.events = manager.getRepository(entities.EventEntity);
    this.participants = manager.getRepository(entities.ParticipantEntity);
    this.ratings = manager.getRepository(entities.RatingEntity) as unknown as Repository<TicketRating>;
  }

  private param(index: number): string {
    return this.dialect === 'postgres' ? `$${index}` : '?';
  }

  /** One hand-written statement: on sqlite a kept prepared statement, on PostgreSQL TypeORM's query runner. */
  private async run(sql: string, parameters: unknown[]): Promise<{ records: ObjectLiteral[]; affected: number; insertedId: number }> {
    if (this.ended) throw new Error(`a statement after the work's last ones: ${sql.slice(0, 60)}`);
    if (this.statements) {
      if (this.session && !READS.test(sql)) this.session.wrote = true;
      if (/^\s*SELECT\b|\bRETURNING\b/i.test(sql)) return { records: await this.statements.all(sql, parameters), affected: 0, insertedId: 0 };
      const { changes, lastID } = await this.statements.run(sql, parameters);
      return { records: [], affected: changes, insertedId: lastID };
    }
    if (this.statementLimit !== null && this.sent++ >= this.statementLimit) {
      throw new Error(`a work of ${this.statementLimit} statement(s), run outside a transaction, sent another: ${sql.slice(0, 60)}`);
    }
    const client = (this.manager.queryRunner as unknown as { databaseConnection: PgClient }).databaseConnection;
    const result = await client.query({ name: statementName(sql), text: sql, values: parameters });
    return { records: result.rows, affected: result.rowCount ?? 0, insertedId: Number(result.rows[0]?.id ?? 0) };
  }

  /**
   * Every statement `statements` sends reaches the pool's client as it is called (`run` hands it over before its
   * first await), so the COMMIT sent next follows them on the wire: the connection pipelines, and they leave in
   * one write. On sqlite, and outside a transaction, they are only sent.
   */
  last<T>(statements: () => Promise<T>): Promise<T> {
    if (this.ended) throw new Error("a work sent its last statements twice");
    const sent = statements();
    this.ended = true;
    if (this.commitAhead) {
      this.committed = this.commitAhead();
      // Awaited by the transaction, whatever the statements do.
      this.committed.catch(() => undefined);
    }
    return sent;
  }

  /** Runs a RowMapper INSERT and gives the new row's id. */
  private async insertRow([sql, parameters]: [string, unknown[]]): Promise<number> {
    return (await this.run(sql, parameters)).insertedId;
  }

  async nextTicketNumber(deskId: string): Promise<number> {
    // The upsert takes the counter row's lock until commit, so concurrent openings on one desk
    // (in this process or another one on the same PostgreSQL) get distinct, increasing numbers.
    const { records } = await this.run(
      `INSERT INTO desk_counters (desk_id, last_number) VALUES (${this.param(1)}, 1)
       ON CONFLICT (desk_id) DO UPDATE SET last_number = desk_counters.last_number + 1
       RETURNING last_number`,
      [deskId],
    );
    return Number(records[0]!.last_number);
  }

  async reserveTicketNumbersUpTo(deskId: string, number: number): Promise<void> {
    await this.run(
      `INSERT INTO desk_counters (desk_id, last_number) VALUES (${this.param(1)}, ${this.param(2)})
       ON CONFLICT (desk_id) DO UPDATE SET last_number = CASE WHEN desk_counters.last_number < ${this.param(3)} THEN ${this.param(4)} ELSE desk_counters.last_number END`,
      [deskId, number, number, number],
    );
  }

  async lockRequester(deskId: string, requesterId: string): Promise<void> {
    // sqlite transactions are already serialized by the store.
    if (this.dialect !== 'postgres') return;
    await this.run(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`requester:${deskId}:${requesterId}`]);
  }

  async insertTicket(ticket: NewTicket): Promise<Ticket> {
    return this.asStored({ ...ticket, id: await this.insertRow(this.rows.tickets.insert(ticket)) });
  }

  async updateTicket(ticket: Ticket): Promise<void> {
    const update = this.rows.tickets.update(ticket.id, ticket, this.stored.get(ticket));
    if (update) await this.run(...update);
    this.asStored(ticket);
  }

  async patchTicket(id: number, fields: Partial<Omit<Ticket, 'id'>>): Promise<Ticket | null> {
    const { records } = await this.run(...this.rows.tickets.patch(id, fields));
    return records[0] ? this.hydrateTicket(records[0]) : null;
  }

  /** Remembers the ticket as the database has it now (see {@link stored}). */
  private asStored(ticket: Ticket): Ticket {
    this.stored.set(ticket, { ...ticket });
    return ticket;
  }

  private hydrateTicket(row: ObjectLiteral): Ticket {
    return this.asStored(this.rows.tickets.hydrate(row));
  }

  /** PostgreSQL locks a row read for update until the commit; sqlite's writer already works alone. */
  private lockClause(options?: FindOptions): string {
    return options?.forUpdate && this.dialect === 'postgres' ? ' FOR UPDATE' : '';
  }

  private async findTicket(where: string, parameters: unknown[], options?: FindOptions): Promise<Ticket | null> {
    const tickets = this.rows.tickets;
    const lock = this.lockClause(options);
    const { records } = await this.run(`SELECT ${tickets.columnList} FROM tickets WHERE ${where}${lock}`, parameters);
    return records[0] ? this.hydrateTicket(records[0]) : null;
  }

  findTicketById(id: number, options?: FindOptions): Promise<Ticket | null> {
    return this.findTicket(`id = ${this.param(1)}`, [id], options);
  }

  async findTicketWithMessageAt(id: number, channelId: string, messageId: string, options?: FindOptions): Promise<{ ticket: Ticket | null; storedMessageId: number | null }> {
    const tickets = this.rows.tickets;
    const p = (i: number) => this.param(i);
    const lock = this.lockClause(options);
    // The message's look-up as in findMessage (each branch on its unique index), as a column of the ticket's row.
    const { records } = await this.run(
      `SELECT ${tickets.columnList},
         (SELECT m.id FROM ticket_messages m WHERE m.channel_id = ${p(1)} AND m.message_id = ${p(2)}
          UNION ALL
          SELECT c.message_id FROM message_copies c WHERE c.channel_id = ${p(3)} AND c.copy_message_id = ${p(4)}
          LIMIT 1) AS stored_message_id
       FROM tickets WHERE id = ${p(5)}${lock}`,
      // sqlite numbers its `?` in the order they appear.
      [channelId, messageId, channelId, messageId, id],
    );
    const row = records[0];
    if (!row) return { ticket: null, storedMessageId: null };
    const stored = row.stored_message_id;
    return { ticket: this.hydrateTicket(row), storedMessageId: stored === null || stored === undefined ? null : Number(stored) };
  }

  findTicketByNumber(deskId: string, number: number, options?: FindOptions): Promise<Ticket | null> {
    return this.findTicket(`desk_id = ${this.param(1)} AND number = ${this.param(2)}`, [deskId, number], options);
  }

  async findTicketBySpace(platform: Platform, channelId: string, threadId: string, options?: FindOptions): Promise<Ticket | null> {
    const found = await this.tickets.findOne({
      where: [
        { platform, threadId, channelId },
        { platform, requesterThreadId: threadId, requesterChannelId: channelId },
      ],
    });
    return found && options?.forUpdate ? this.findTicketById(found.id, options) : found;
  }

  findTicketBySourceKey(sourceKey: string): Promise<Ticket | null> {
    return this.findTicket(`source_key = ${this.param(1)}`, [sourceKey]);
  }

  async findOpeningsOf(deskId: string, requesterId: string, options: { sourceKey: string | null; latest: boolean }): Promise<Openings> {
    const tickets = this.rows.tickets;
    const parameters: unknown[] = [];
    const p = (value: unknown) => {
      parameters.push(value);
      return this.param(parameters.length);
    };
    // Each part on its own index (source_key; desk, requester and status); sqlite numbers its `?` in order. The
    // requester's active tickets and their latest are read for a few fields: the others come back NULL, unconverted.
    const parts: string[] = [];
    if (options.sourceKey !== null) parts.push(`SELECT 'source' AS found_as, ${tickets.columnList} FROM tickets WHERE source_key = ${p(options.sourceKey)}`);
    parts.push(
      `SELECT 'active' AS found_as, ${tickets.columnListKeeping(ACTIVE_FIELDS)} FROM tickets WHERE desk_id = ${p(deskId)} AND requester_id = ${p(requesterId)} AND status IN (${ACTIVE_STATUSES.map((s) => p(s)).join(', ')})`,
    );
    if (options.latest) {
      parts.push(
        `SELECT 'latest' AS found_as, ${tickets.columnListKeeping(['createdAt'])} FROM (SELECT created_at FROM tickets WHERE desk_id = ${p(deskId)} AND requester_id = ${p(requesterId)} ORDER BY created_at DESC LIMIT 1) latest`,
      );
    }
    const { records } = await this.run(parts.join(' UNION ALL '), parameters);
    const of = (as: string) => records.filter((r) => r.found_as === as);
    const source = of('source')[0];
    const latest = of('latest')[0];
    return {
      bySource: source ? this.hydrateTicket(source) : null,
      active: of('active')
        .map((r) => tickets.hydrateOnly(r, ACTIVE_FIELDS))
        .sort((a, b) => a.number - b.number),
      latest: latest ? tickets.hydrateOnly(latest, ['createdAt']).createdAt : null,
    };
  }

  listTickets(query: TicketQuery): Promise<Ticket[]> {
    const qb = this.tickets.createQueryBuilder('t').where('t.desk_id = :deskId', { deskId: query.deskId });
    if (query.platform) qb.andWhere('t.platform = :platform', { platform: query.platform });
    if (query.statuses) qb.andWhere('t.status IN (:...statuses)', { statuses: query.statuses });
    if (query.categoryKeys) qb.andWhere('t.category_key IN (:...categoryKeys)', { categoryKeys: query.categoryKeys });
    if (query.requesterId) qb.andWhere('t.requester_id = :requesterId', { requesterId: query.requesterId });
    if (query.assigneeId === null) qb.andWhere('t.assignee_id IS NULL');
    else if (query.assigneeId !== undefined) qb.andWhere('t.assignee_id = :assigneeId', { assigneeId: query.assigneeId });
    if (query.beforeNumber) qb.andWhere('t.number < :beforeNumber', { beforeNumber: query.beforeNumber });
    if (query.text) {
      const pattern = `%${query.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere("(LOWER(t.subject) LIKE :pattern ESCAPE '\\' OR LOWER(t.description) LIKE :pattern ESCAPE '\\')", { pattern });
    }
    return qb.orderBy('t.number', 'DESC').limit(query.limit).getMany();
  }

  findIncompleteOpenings(platform: Platform, openedBefore: Date): Promise<Ticket[]> {
    return this.tickets.find({
      where: { platform, spacesReadyAt: IsNull(), status: In(['open', 'pending', 'resolved']), createdAt: LessThan(openedBefore) },
      order: { id: 'ASC' },
    });
  }

  async listSpaces(platform: Platform): Promise<TicketSpaceRef[]> {
    const rows = await this.tickets.find({
      where: [
        { platform, threadId: Not(IsNull()) },
        { platform, requesterThreadId: Not(IsNull()) },
      ],
      select: { id: true, status: true, channelId: true, threadId: true, cardMessageId: true, requesterChannelId: true, requesterThreadId: true },
      order: { id: 'ASC' },
    });
    return rows.map(({ id, ...space }) => ({ ticketId: id, ...space }));
  }

  async insertMessage(message: NewTicketMessage): Promise<TicketMessage> {
    const row = { ...message, editedAt: null, deletedAt: null };
    const id = await this.insertRow(this.rows.messages.insert(row));
    return { ...row, id, copies: [], attachments: [] };
  }

  async listUncopiedMessages(ticketId: number, purpose: MessageCopyPurpose, roles: readonly AuthorRole[], since: Date, except: readonly string[]): Promise<TicketMessage[]> {
    if (roles.length === 0) return [];
    const messages = this.rows.messages;
    let n = 0;
    const p = () => this.param(++n);
    const sql = `SELECT ${messages.columnList} FROM ticket_messages m
       WHERE m.ticket_id = ${p()} AND m.visibility = 'public' AND m.message_id IS NOT NULL AND m.deleted_at IS NULL
         AND m.created_at >= ${p()} AND m.author_role IN (${roles.map(() => p()).join(', ')})
         ${except.length > 0 ? `AND m.message_id NOT IN (${except.map(() => p()).join(', ')})` : ''}
         AND NOT EXISTS (SELECT 1 FROM message_copies c WHERE c.message_id = m.id AND c.purpose = ${p()})
       ORDER BY m.created_at, m.id`;
    const { records } = await this.run(sql, [ticketId, sqlTime(this.dialect, since), ...roles, ...except, purpose]);
    return this.withDetails(records.map((r) => messages.hydrate(r)));
  }

  async latestMessageIn(channelId: string): Promise<TicketMessage | null> {
    const row = await this.messages.findOne({ where: { channelId, messageId: Not(IsNull()) }, order: { createdAt: 'DESC', id: 'DESC' } });
    return row ? { ...row, copies: [], attachments: [] } : null;
  }

  async findMessage(channelId: string, messageId: string): Promise<TicketMessage | null> {
    const messages = this.rows.messages;
    const p = (i: number) => this.param(i);
    // Two lookups, each on its unique index. Written as one WHERE … OR id IN (…), PostgreSQL scanned every
    // message for each event (an OR with a subquery uses no index there).
    const { records } = await this.run(
      `SELECT ${messages.columnList} FROM ticket_messages WHERE channel_id = ${p(1)} AND message_id = ${p(2)}
       UNION ALL
       SELECT ${messages.columnList} FROM ticket_messages
        WHERE id IN (SELECT c.message_id FROM message_copies c WHERE c.channel_id = ${p(3)} AND c.copy_message_id = ${p(4)})
       LIMIT 1`,
      [channelId, messageId, channelId, messageId],
    );
    return records[0] ? (await this.withDetails([messages.hydrate(records[0])]))[0]! : null;
  }

  async findMessageById(id: number): Promise<TicketMessage | null> {
    const messages = this.rows.messages;
    const { records } = await this.run(`SELECT ${messages.columnList} FROM ticket_messages WHERE id = ${this.param(1)}`, [id]);
    return records[0] ? (await this.withDetails([messages.hydrate(records[0])]))[0]! : null;
  }

  async reviseMessage(id: number, body: string, at: Date): Promise<void> {
    const current = await this.messages.findOneOrFail({ where: { id }, select: { id: true, body: true } });
    await this.revisions.insert({ messageId: id, body: current.body, replacedAt: at });
    await this.messages.update({ id }, { body, editedAt: at });
  }

  async markMessageDeleted(id: number, at: Date): Promise<void> {
    await this.messages.update({ id }, { deletedAt: at });
  }

  async setMessageLocation(id: number, channelId: string, messageId: string): Promise<void> {
    await this.run(`UPDATE ticket_messages SET channel_id = ${this.param(1)}, message_id = ${this.param(2)} WHERE id = ${this.param(3)}`, [channelId, messageId, id]);
  }

  async addMessageCopies(copies: ReadonlyArray<{ messageId: number; copy: MessageCopy }>): Promise<boolean[]> {
    if (copies.length === 0) return [];
    const p = (i: number) => this.param(i);
    const rows = copies.map((_, i) => `(${p(4 * i + 1)}, ${p(4 * i + 2)}, ${p(4 * i + 3)}, ${p(4 * i + 4)})`);
    const { records } = await this.run(
      `INSERT INTO message_copies (message_id, channel_id, copy_message_id, purpose)
       VALUES ${rows.join(', ')}
       ON CONFLICT (channel_id, copy_message_id) DO NOTHING
       RETURNING channel_id, copy_message_id`,
      copies.flatMap(({ messageId, copy }) => [messageId, copy.channelId, copy.messageId, copy.purpose]),
    );
    const inserted = new Set(records.map((r) => `${String(r.channel_id)}\n${String(r.copy_message_id)}`));
    // A place listed twice was inserted once: the first of them has it.
    return copies.map(({ copy }) => inserted.delete(`${copy.channelId}\n${copy.messageId}`));
  }

  async listMessages(ticketId: number, options: { includeInternal: boolean }): Promise<TicketMessage[]> {
    const rows = await this.messages.find({
      where: options.includeInternal ? { ticketId } : { ticketId, visibility: 'public' },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return this.withDetails(rows);
  }

  async listRevisions(messageId: number): Promise<Array<{ body: string; replacedAt: Date }>> {
    const rows = await this.revisions.find({ where: { messageId }, order: { replacedAt: 'ASC', id: 'ASC' } });
    return rows.map(({ body, replacedAt }) => ({ body, replacedAt }));
  }

  async listTicketRevisions(ticketId: number): Promise<Array<{ messageId: number; body: string; replacedAt: Date }>> {
    const rows = await this.revisions
      .createQueryBuilder('r')
      .innerJoin('ticket_messages', 'm', 'm.id = r.message_id')
      .where('m.ticket_id = :ticketId', { ticketId })
      .orderBy('r.replaced_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .getMany();
    return rows.map(({ messageId, body, replacedAt }) => ({ messageId, body, replacedAt }));
  }

  private async withDetails(rows: MessageRow[]): Promise<TicketMessage[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [copies, attachments] = await Promise.all([
      this.copies.find({ where: { messageId: In(ids) }, order: { id: 'ASC' } }),
      this.attachments.find({ where: { messageId: In(ids) }, order: { id: 'ASC' } }),
    ]);
    return rows.map((row) => ({
      ...row,
      copies: copies
        .filter((c) => c.messageId === row.id)
        .map((c) => ({ channelId: c.channelId, messageId: c.copyMessageId, purpose: c.purpose })),
      attachments: attachments.filter((a) => a.messageId === row.id),
    }));
  }

  async insertAttachments(ticketId: number, messageId: number | null, files: readonly StoredAttachment[], at: Date): Promise<Attachment[]> {
    const stored: Attachment[] = [];
    for (const file of files) {
      const row = {
        ticketId,
        messageId,
        name: file.name,
        contentType: file.contentType,
        size: file.size,
        sha256: file.sha256,
        storageKey: file.storageKey,
        sourceUrl: file.sourceUrl ?? null,
        createdAt: at,
      };
      const result = await this.attachments.insert(row);
      stored.push({ ...row, id: Number(result.identifiers[0]!.id) });
    }
    return stored;
  }

  async insertEvent(event: NewTicketEvent): Promise<TicketEvent> {
    return { ...event, id: await this.insertRow(this.rows.events.insert(event)) };
  }

  listEvents(ticketId: number): Promise<TicketEvent[]> {
    return this.events.find({ where: { ticketId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  listParticipants(ticketId: number): Promise<Participant[]> {
    return this.participants.find({ where: { ticketId }, order: { addedAt: 'ASC' } });
  }

  async addParticipant(participant: Participant): Promise<void> {
    await this.participants.insert(participant);
  }

  async removeParticipant(ticketId: number, userId: string): Promise<void> {
    await this.participants.delete({ ticketId, userId });
  }

  findDueAutoCloseWarnings(now: Date, limit: number): Promise<Ticket[]> {
    return this.tickets.find({
      where: { autoCloseWarnAt: LessThanOrEqual(now), autoCloseWarnedAt: IsNull(), autoCloseAt: MoreThan(now), status: In(['pending', 'resolved']) },
      order: { autoCloseWarnAt: 'ASC' },
      take: limit,
    });
  }

  findDueAutoCloses(now: Date, limit: number): Promise<Ticket[]> {
    return this.tickets.find({ where: { autoCloseAt: LessThanOrEqual(now), status: In(['pending', 'resolved']) }, order: { autoCloseAt: 'ASC' }, take: limit });
  }

  findOverdueFirstResponses(now: Date, limit: number): Promise<Ticket[]> {
    return this.tickets.find({
      where: { firstResponseDueAt: LessThanOrEqual(now), firstResponseAt: IsNull(), firstResponseFlaggedAt: IsNull(), status: In(['open', 'pending', 'resolved']) },
      order: { firstResponseDueAt: 'ASC' },
      take: limit,
    });
  }

  async markAutoCloseWarned(ticketId: number, autoCloseAt: Date, now: Date): Promise<boolean> {
    const result = await this.tickets.update({ id: ticketId, autoCloseWarnedAt: IsNull(), autoCloseAt }, { autoCloseWarnedAt: now });
    return (result.affected ?? 0) > 0;
  }

  async markFirstResponseFlagged(ticketId: number, now: Date): Promise<boolean> {
    const result = await this.tickets.update({ id: ticketId, firstResponseFlaggedAt: IsNull(), firstResponseAt: IsNull() }, { firstResponseFlaggedAt: now });
    return (result.affected ?? 0) > 0;
  }

  listTicketsCreatedBetween(deskId: string, platform: Platform, from: Date, to: Date, categoryKeys?: readonly string[]): Promise<Ticket[]> {
    const qb = this.tickets
      .createQueryBuilder('t')
      .where('t.desk_id = :deskId AND t.platform = :platform AND t.created_at >= :from AND t.created_at < :to', { deskId, platform, from, to });
    if (categoryKeys) qb.andWhere('t.category_key IN (:...categoryKeys)', { categoryKeys });
    return qb.orderBy('t.number', 'ASC').getMany();
  }

  latestClosing(ticketId: number): Promise<TicketEvent | null> {
    return this.events.findOne({ where: { ticketId, type: 'closed' }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  findRatingByClosing(closingEventId: number): Promise<TicketRating | null> {
    return this.ratings.findOne({ where: { closingEventId } });
  }

  async insertRating(rating: Omit<TicketRating, 'id'>): Promise<TicketRating> {
    const result = await this.ratings.insert(rating);
    return { ...rating, id: Number(result.identifiers[0]!.id) };
  }

  async updateRatingComment(id: number, comment: string | null, at: Date): Promise<void> {
    await this.ratings.update({ id }, { comment, updatedAt: at });
  }

  listRatingsOf(ticketIds: readonly number[]): Promise<TicketRating[]> {
    return ticketIds.length === 0 ? Promise.resolve([]) : this.ratings.find({ where: { ticketId: In([...ticketIds]) } });
  }
}
