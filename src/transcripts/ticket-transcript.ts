import { findCategory, type Actor, type AttachmentStorage, type Language, type TicketRecord, type TicketService } from '../core/index.js';
import { renderHtmlTranscript, renderJsonExport } from './html-transcript.js';

export interface TranscriptFile {
  name: string;
  bytes: Buffer;
  /** Whether internal notes are in it (the staff copy). */
  staffCopy: boolean;
}

/** Discord takes 10 MiB from a bot on most servers: a transcript bigger than this lists its files instead of embedding them. */
const MAX_TRANSCRIPT_BYTES = 8 * 1024 * 1024;

/**
 * A ticket's transcript as a file: self-contained HTML (files embedded up to a size) or the JSON export.
 * With an actor, what they may see (internal notes for staff only); without, the copy asked for.
 */
export async function ticketTranscript(
  service: TicketService,
  storage: AttachmentStorage,
  ticketId: number,
  options: { format: 'html' | 'json'; language: Language; actor?: Actor; staffCopy?: boolean; now: Date },
): Promise<TranscriptFile> {
  const record: TicketRecord = options.actor ? await service.record(ticketId, options.actor) : await service.systemRecord(ticketId, options.staffCopy ?? false);
  const desk = service.deskOf(record.ticket);
  const label = service.label(record.ticket);
  const audience = record.includesInternal ? 'staff' : 'requester';
  if (options.format === 'json') {
    return { name: `${label}.json`, bytes: Buffer.from(renderJsonExport(record, label, audience), 'utf8'), staffCopy: record.includesInternal };
  }
  const category = findCategory(desk, record.ticket.categoryKey);
  const input = {
    record,
    label,
    categoryLabel: category ? `${category.emoji ? `${category.emoji} ` : ''}${category.label}` : record.ticket.categoryKey,
    language: options.language,
    audience,
    loadAttachment: (key: string) => storage.get(key),
    generatedAt: options.now,
    timeZone: desk.hours?.timezone ?? 'UTC',
  } as const;
  let html = await renderHtmlTranscript(input);
  if (Buffer.byteLength(html) > MAX_TRANSCRIPT_BYTES) html = await renderHtmlTranscript({ ...input, maxInlineBytes: 0 });
  return { name: `${label}-transcript.html`, bytes: Buffer.from(html, 'utf8'), staffCopy: record.includesInternal };
}
