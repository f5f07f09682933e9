import type { DeskConfig } from './desk.js';
import { workspaceIdOf } from './desk.js';
import type { TicketTransaction } from './ports.js';
import { refuse } from './refusals.js';
import { NO_AUTO_CLOSE } from './timers.js';
import type { AuthorRole, Platform, Priority, StoredAttachment, Ticket, TicketStatus } from './ticket.js';
import { formatTicketNumber } from './ticket-number.js';

/** A message of a ticket from an earlier help desk. */
export interface ImportedMessage {
  authorId: string;
  authorName: string;
  authorRole: Extract<AuthorRole, 'requester' | 'agent' | 'participant' | 'system'>;
  body: string;
  createdAt: Date;
  internal: boolean;
  files: StoredAttachment[];
}

/** A ticket from an earlier help desk, checked, with its files already stored. */
export interface ImportedTicket {
  /** Its id in the earlier system: importing the same ticket twice imports it once. */
  sourceId: string;
  /** Its old number, kept when given; otherwise it gets the desk's next one. */
  number: number | null;
  platform: Platform;
  requesterId: string;
  requesterName: string;
  categoryKey: string;
  subject: string;
  description: string;
  status: TicketStatus;
  priority: Priority;
  createdAt: Date;
  closedAt: Date | null;
  closeReason: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  messages: ImportedMessage[];
}

export interface ImportResult {
  /** Numbers (with the desk prefix) of the tickets imported now. */
  imported: string[];
  /** Source ids already imported by an earlier run, left as they are. */
  skipped: string[];
}

const IMPORTER = { id: 'import', name: 'Import' };

/**
 * Writes imported tickets, inside the caller's transaction so a file is imported whole or not at all.
 * Old numbers are kept (and the desk's counter moved past them); a number already taken refuses the file.
 * Imported tickets carry no timers: they never auto-close or raise first-response notices.
 */
export async function importTickets(tx: TicketTransaction, desk: DeskConfig, source: string, tickets: readonly ImportedTicket[], now: Date): Promise<ImportResult> {
  const result: ImportResult = { imported: [], skipped: [] };
  for (const item of tickets) {
    const sourceKey = `import:${source}:${item.sourceId}`;
    if (await tx.findTicketBySourceKey(sourceKey)) {
      result.skipped.push(item.sourceId);
      continue;
    }
    if (item.number !== null && (await tx.findTicketByNumber(desk.id, item.number))) {
      refuse({ code: 'number_taken', number: formatTicketNumber(desk.ticketPrefix, item.number) });
    }
    const number = item.number ?? (await tx.nextTicketNumber(desk.id));
    if (item.number !== null) await tx.reserveTicketNumbersUpTo(desk.id, item.number);
    const firstAnswer = item.messages.find((m) => m.authorRole === 'agent' && !m.internal);
    const last = item.messages.reduce((latest, m) => (m.createdAt > latest ? m.createdAt : latest), item.createdAt);
    const ticket: Omit<Ticket, 'id'> = {
      deskId: desk.id,
      number,
      platform: item.platform,
      workspaceId: workspaceIdOf(desk, item.platform) ?? '',
      categoryKey: item.categoryKey,
      subject: item.subject,
      description: item.description,
      answers: [],
      priority: item.priority,
      status: item.status,
      requesterId: item.requesterId,
      requesterName: item.requesterName,
      requesterLocale: null,
      assigneeId: item.assigneeId,
      assigneeName: item.assigneeName,
      channelId: null,
      threadId: null,
      cardMessageId: null,
      requesterChannelId: null,
      requesterThreadId: null,
      createdAt: item.createdAt,
      updatedAt: now,
      firstResponseAt: firstAnswer?.createdAt ?? null,
      lastActivityAt: last,
      resolvedAt: item.status === 'resolved' ? last : null,
      closedAt: item.status === 'closed' ? (item.closedAt ?? last) : null,
      closedById: item.status === 'closed' ? IMPORTER.id : null,
      closeReason: item.status === 'closed' ? item.closeReason : null,
      sourceKey,
      ...NO_AUTO_CLOSE,
      firstResponseDueAt: null,
      firstResponseFlaggedAt: null,
      // No platform space to set up: an imported ticket is read in lists and transcripts.
      spacesReadyAt: now,
      lastMessageAt: last,
    };
    const stored = await tx.insertTicket(ticket);
    await tx.insertMessage({
      ticketId: stored.id,
      channelId: null,
      messageId: null,
      authorId: item.requesterId,
      authorName: item.requesterName,
      authorRole: 'requester',
      visibility: 'public',
      body: item.description,
      createdAt: item.createdAt,
    });
    for (const message of item.messages) {
      const inserted = await tx.insertMessage({
        ticketId: stored.id,
        channelId: null,
        messageId: null,
        authorId: message.authorId,
        authorName: message.authorName,
        authorRole: message.authorRole,
        visibility: message.internal ? 'internal' : 'public',
        body: message.body,
        createdAt: message.createdAt,
      });
      if (message.files.length > 0) await tx.insertAttachments(stored.id, inserted.id, message.files, message.createdAt);
    }
    const event = (type: 'opened' | 'closed' | 'imported', createdAt: Date, details: { toStatus?: TicketStatus; reason?: string | null; data?: Record<string, unknown> }) =>
      tx.insertEvent({
        ticketId: stored.id,
        type,
        actorId: type === 'opened' ? item.requesterId : IMPORTER.id,
        actorName: type === 'opened' ? item.requesterName : IMPORTER.name,
        fromStatus: null,
        toStatus: details.toStatus ?? null,
        reason: details.reason ?? null,
        data: details.data ?? null,
        createdAt,
      });
    await event('opened', item.createdAt, { toStatus: 'open' });
    if (item.status === 'closed') await event('closed', ticket.closedAt!, { toStatus: 'closed', reason: item.closeReason });
    await event('imported', now, { toStatus: item.status, data: { source, sourceId: item.sourceId } });
    result.imported.push(formatTicketNumber(desk.ticketPrefix, number));
  }
  return result;
}
