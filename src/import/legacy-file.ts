import { ConfigReader } from '../../config/config-reader.js';
import { findCategory, PLATFORMS, PRIORITIES, TICKET_STATUSES, type DeskDirectory, type Platform, type Priority, type TicketStatus } from '../core/index.js';
import { JsonSyntaxError, parseLocatedJson } from './located-json.js';

/** One thing wrong in an import file: its line, the path of the value, what is wrong and how to fix it. */
export interface ImportProblem {
  line: number;
  path: string;
  message: string;
  fix: string;
}

export interface LegacyFile {
  /** The format's version. */
  version: 1;
  deskId: string;
  /** The earlier help desk's name, part of each imported ticket's identity. */
  source: string;
  tickets: LegacyTicket[];
}

export interface LegacyTicket {
  sourceId: string;
  number: number | null;
  platform: Platform;
  requester: { id: string; name: string };
  categoryKey: string;
  subject: string;
  description: string;
  status: TicketStatus;
  priority: Priority;
  createdAt: Date;
  closedAt: Date | null;
  closeReason: string | null;
  assignee: { id: string; name: string } | null;
  messages: LegacyMessage[];
}

export interface LegacyMessage {
  author: { id: string; name: string; role: 'requester' | 'agent' | 'participant' | 'system' };
  body: string;
  createdAt: Date;
  internal: boolean;
  attachments: Array<{ name: string; contentType: string; bytes: Buffer }>;
}

const MAX_FILE_BYTES = 25 * 1024 * 1024;
const KEY = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const ROLES = ['requester', 'agent', 'participant', 'system'] as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The line of a path, or of the nearest enclosing value the parser saw. */
function lineOf(lines: Map<string, number>, path: string): number {
  for (let p = path; ; ) {
    const line = lines.get(p);
    if (line !== undefined) return line;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return lines.get('') ?? 1;
    p = p.slice(0, cut);
  }
}

/**
 * Reads an import file (the documented format in README.md, "Importing tickets") and checks all of it
 * against the desk configuration before anything is written: every problem comes back with its line.
 */
export function readLegacyFile(text: string, desks: DeskDirectory): { ok: true; file: LegacyFile } | { ok: false; problems: ImportProblem[] } {
  let parsed;
  try {
    parsed = parseLocatedJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { ok: false, problems: [{ line: error.line, path: '', message: `not valid JSON: ${error.message}`, fix: 'fix the JSON syntax (a missing comma, quote or bracket)' }] };
  }
  const reader = new ConfigReader();
  const file = readRoot(reader, parsed.value, desks);
  if (reader.problems.length > 0 || !file) {
    return {
      ok: false,
      problems: reader.problems.map((p) => {
        const path = p.path.replace(/^\./, '');
        return { line: lineOf(parsed.lines, path), path, message: p.message, fix: p.fix };
      }),
    };
  }
  return { ok: true, file };
}

function date(reader: ConfigReader, value: unknown, path: string, required: boolean): Date | null {
  const text = reader.string(value, path, { required, pattern: ISO_DATE, patternHint: 'an ISO 8601 date and time with its zone, such as "2024-03-01T10:00:00Z"' });
  if (!text) return null;
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) {
    reader.problem(path, `"${text}" is not a real date`, 'check the day and month');
    return null;
  }
  return parsed;
}

function person(reader: ConfigReader, value: unknown, path: string, platform: Platform | null, extra: readonly string[] = []) {
  const o = reader.object(value, path, ['id', 'name', ...extra]);
  if (!o) return null;
  const idPattern = platform === 'discord' ? /^\d{17,20}$/ : platform === 'slack' ? /^[UWB][A-Z0-9]{2,20}$/ : /^\S{1,64}$/;
  const idHint = platform === 'discord' ? 'a Discord user id (17 to 20 digits)' : platform === 'slack' ? 'a Slack member id such as U0123ABCD' : 'an id';
  const id = typeof o.id === 'number' ? String(o.id) : reader.string(o.id, `${path}.id`, { required: true, pattern: idPattern, patternHint: idHint, fix: 'use the person\'s id on the platform, so their tickets show in their own list' });
  const name = reader.string(o.name, `${path}.name`, { required: true, min: 1, max: 200 });
  return id && name ? { id, name, o } : null;
}

function readRoot(reader: ConfigReader, value: unknown, desks: DeskDirectory): LegacyFile | null {
  const o = reader.object(value, '', ['format', 'version', 'desk', 'source', 'tickets']);
  if (!o) return null;
  if (o.format !== undefined && o.format !== 'support-desk-import') reader.problem('format', `must be "support-desk-import", got ${JSON.stringify(o.format)}`, 'this reads files in the documented import format only');
  if (o.version !== 1) reader.problem('version', `must be 1, got ${JSON.stringify(o.version)}`, 'write "version": 1');
  const deskId = reader.string(o.desk, 'desk', { required: true, fix: 'give the id of the desk in the configuration the tickets go to' });
  const desk = deskId ? desks.byDeskId(deskId) : null;
  if (deskId && !desk) reader.problem('desk', `"${deskId}" is not a desk of the configuration`, `use one of ${desks.desks.map((d) => d.id).join(', ')}`);
  const source = reader.string(o.source, 'source', { required: true, pattern: KEY, patternHint: 'a short name of lowercase letters, digits, - or _', fix: 'name the earlier help desk, such as "zendesk"' });
  const list = reader.array(o.tickets, 'tickets', { required: true, min: 1, max: 100_000, what: 'tickets' }) ?? [];
  const tickets: LegacyTicket[] = [];
  const ids = new Map<string, number>();
  const numbers = new Map<number, number>();
  list.forEach((item, i) => {
    const ticket = readTicket(reader, item, `tickets[${i}]`, desk);
    if (!ticket) return;
    if (ids.has(ticket.sourceId)) reader.problem(`tickets[${i}].id`, `"${ticket.sourceId}" is also the id of tickets[${ids.get(ticket.sourceId)}]`, 'each ticket needs its own id');
    ids.set(ticket.sourceId, i);
    if (ticket.number !== null) {
      if (numbers.has(ticket.number)) reader.problem(`tickets[${i}].number`, `${ticket.number} is also the number of tickets[${numbers.get(ticket.number)}]`, 'each ticket needs its own number, or none');
      numbers.set(ticket.number, i);
    }
    tickets.push(ticket);
  });
  if (!deskId || !desk || !source) return null;
  return { version: 1, deskId, source, tickets };
}

function readTicket(reader: ConfigReader, value: unknown, path: string, desk: ReturnType<DeskDirectory['byDeskId']>): LegacyTicket | null {
  const o = reader.object(value, path, ['id', 'number', 'platform', 'requester', 'category', 'subject', 'description', 'status', 'priority', 'createdAt', 'closedAt', 'closeReason', 'assignee', 'messages']);
  if (!o) return null;
  const sourceId = typeof o.id === 'number' ? String(o.id) : reader.string(o.id, `${path}.id`, { required: true, min: 1, max: 100, fix: "give the ticket's id in the earlier help desk" });
  const number = o.number === undefined ? null : reader.integer(o.number, `${path}.number`, { min: 1, max: 999_999_999, fallback: 0 }) || null;
  const platform = reader.oneOf(o.platform, `${path}.platform`, PLATFORMS, 'discord');
  if (o.platform === undefined) reader.problem(`${path}.platform`, 'is required', 'write "discord" or "slack": where the requester will see the ticket in their list');
  else if (desk && !desk[platform]) reader.problem(`${path}.platform`, `the desk "${desk.id}" does not serve ${platform}`, 'use a platform the desk is configured for');
  const requester = person(reader, o.requester, `${path}.requester`, platform);
  const categoryKey = reader.string(o.category, `${path}.category`, { required: true, pattern: KEY, patternHint: 'a category key' });
  if (categoryKey && desk && !findCategory(desk, categoryKey)) reader.problem(`${path}.category`, `"${categoryKey}" is not a category of the desk`, `use one of ${desk.categories.map((c) => c.key).join(', ')}`);
  const subject = reader.string(o.subject, `${path}.subject`, { required: true, min: 1, max: 200 });
  const description = reader.string(o.description, `${path}.description`, { required: true, min: 1, max: 20_000 });
  const status = reader.oneOf(o.status, `${path}.status`, TICKET_STATUSES, 'closed');
  const priority = reader.oneOf(o.priority, `${path}.priority`, PRIORITIES, 'normal');
  const createdAt = date(reader, o.createdAt, `${path}.createdAt`, true);
  const closedAt = date(reader, o.closedAt, `${path}.closedAt`, false);
  if (createdAt && closedAt && closedAt < createdAt) reader.problem(`${path}.closedAt`, 'is before createdAt', 'check both dates');
  const closeReason = reader.string(o.closeReason, `${path}.closeReason`, { max: 1000 });
  const assigneeRead = o.assignee === undefined || o.assignee === null ? null : person(reader, o.assignee, `${path}.assignee`, platform);
  const messages: LegacyMessage[] = [];
  (reader.array(o.messages, `${path}.messages`, { what: 'messages', max: 10_000 }) ?? []).forEach((item, j) => {
    const message = readMessage(reader, item, `${path}.messages[${j}]`, platform, createdAt);
    if (message) messages.push(message);
  });
  if (!sourceId || !requester || !categoryKey || !subject || !description || !createdAt) return null;
  return {
    sourceId,
    number,
    platform,
    requester: { id: requester.id, name: requester.name },
    categoryKey,
    subject,
    description,
    status,
    priority,
    createdAt,
    closedAt,
    closeReason,
    assignee: assigneeRead ? { id: assigneeRead.id, name: assigneeRead.name } : null,
    messages: messages.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()),
  };
}

function readMessage(reader: ConfigReader, value: unknown, path: string, platform: Platform, openedAt: Date | null): LegacyMessage | null {
  const o = reader.object(value, path, ['author', 'body', 'createdAt', 'internal', 'attachments']);
  if (!o) return null;
  const author = person(reader, o.author, `${path}.author`, null, ['role']);
  const role = author ? reader.oneOf(author.o.role, `${path}.author.role`, ROLES, 'participant') : 'participant';
  const body = reader.string(o.body, `${path}.body`, { max: 40_000 }) ?? '';
  const createdAt = date(reader, o.createdAt, `${path}.createdAt`, true);
  if (createdAt && openedAt && createdAt < openedAt) reader.problem(`${path}.createdAt`, "is before the ticket's createdAt", 'check the dates');
  const internal = reader.boolean(o.internal, `${path}.internal`, false);
  const attachments: LegacyMessage['attachments'] = [];
  (reader.array(o.attachments, `${path}.attachments`, { what: 'attachments', max: 50 }) ?? []).forEach((item, k) => {
    const at = `${path}.attachments[${k}]`;
    const a = reader.object(item, at, ['name', 'contentType', 'base64']);
    if (!a) return;
    const rawName = reader.string(a.name, `${at}.name`, { required: true, min: 1, max: 255 });
    const contentType = reader.string(a.contentType, `${at}.contentType`, { pattern: /^[\w.+-]+\/[\w.+-]+$/, patternHint: 'a MIME type such as "application/pdf"' }) ?? 'application/octet-stream';
    const base64 = reader.string(a.base64, `${at}.base64`, { required: true, pattern: /^[A-Za-z0-9+/\s]*={0,2}\s*$/, patternHint: 'the file in base64' });
    if (!rawName || base64 === null) return;
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.byteLength > MAX_FILE_BYTES) {
      reader.problem(`${at}.base64`, `is ${bytes.byteLength} bytes, more than ${MAX_FILE_BYTES}`, 'leave out files this big');
      return;
    }
    // A file name from another system is only a name: no folders, no control characters.
    // eslint-disable-next-line no-control-regex
    const name = rawName.replace(/[\\/\u0000-\u001f]/g, '_').replace(/^\.+/, '_') || 'file';
    attachments.push({ name, contentType, bytes });
  });
  if (platform && author && createdAt) return { author: { id: author.id, name: author.name, role }, body, createdAt, internal, attachments };
  return null;
}
