import type { Language, Priority, TicketAnswer, TicketEvent, TicketMessage, TicketRecord, TicketStatus } from '../core/index.js';
import { embedAttachment, type EmbeddedAttachment } from './attachment-embedding.js';
import { eventsInOrder, messagesFor, revisionsOf, type MessageRevision, type TranscriptAudience } from './audience.js';
import { html, trustedMarkup, type HtmlValue, type Markup } from './html.js';
import { TRANSCRIPT_CSP, TRANSCRIPT_STYLE } from './transcript-style.js';
import { transcriptWords, type TranscriptWords } from './words.js';

export { renderJsonExport } from './json-export.js';

/** What a transcript is made from, and for whom. */
export interface TranscriptInput {
  /** The ticket with its messages, revisions and events, as `TicketService.record` returns it. */
  record: TicketRecord;
  /** The ticket's number as people see it, e.g. `CS-0042`. */
  label: string;
  /** The category as people see it, e.g. `💳 Billing`. */
  categoryLabel: string;
  /** The language of headings, status names, dates and numbers. */
  language: Language;
  /** The requester's copy never contains internal notes, even when `record` holds them. */
  audience: TranscriptAudience;
  /** Reads an attachment's bytes from the attachment storage. A failure lists the file as unavailable. */
  loadAttachment: (storageKey: string) => Promise<Uint8Array>;
  /** Files up to this size are embedded in the page; bigger ones are listed with their SHA-256. Default 2 MiB. */
  maxInlineBytes?: number;
  /** When the transcript was made, shown at its foot. */
  generatedAt: Date;
  /** The IANA time zone for displayed times. Default `UTC`. */
  timeZone?: string;
}

/** Files up to this size are embedded unless {@link TranscriptInput.maxInlineBytes} says otherwise. */
export const DEFAULT_MAX_INLINE_BYTES = 2 * 1024 * 1024;

/** How values read in the transcript's language and time zone. */
interface Presenter {
  words: TranscriptWords;
  time: (date: Date) => Markup;
  dateText: (date: Date) => string;
  size: (bytes: number) => string;
}

/**
 * Renders a ticket as one self-contained HTML5 page: no script, no external resource, images and small
 * files embedded as `data:` URIs, every piece of user text escaped. It prints and reads on a phone.
 * Throws a `RangeError` for an unknown `timeZone`.
 */
export async function renderHtmlTranscript(input: TranscriptInput): Promise<string> {
  const timeZone = input.timeZone ?? 'UTC';
  const presenter = presenterFor(input.language, timeZone);
  const messages = messagesFor(input.record, input.audience);
  const embedded = await embedAttachments(messages, input.loadAttachment, input.maxInlineBytes ?? DEFAULT_MAX_INLINE_BYTES);
  const body = html`<header class="ticket">
${ticketHeading(input, messages, presenter)}
</header>
<main>
${messagesSection(input.record, messages, embedded, presenter)}
${timelineSection(eventsInOrder(input.record), presenter)}
</main>
<footer>${presenter.words.generated(presenter.dateText(input.generatedAt), timeZone)}</footer>`;
  return page(input.language, presenter.words.title(input.label, input.record.ticket.subject), body);
}

function presenterFor(language: Language, timeZone: string): Presenter {
  const words = transcriptWords(language);
  const dates = new Intl.DateTimeFormat(words.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const dateText = (date: Date) => dates.format(date);
  return {
    words,
    dateText,
    time: (date) => html`<time datetime="${date.toISOString()}">${dateText(date)}</time>`,
    size: (bytes) => formatSize(bytes, words),
  };
}

function formatSize(bytes: number, words: TranscriptWords): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < words.sizeUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  const number = new Intl.NumberFormat(words.locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  return `${number}\u00a0${words.sizeUnits[unit]}`;
}

async function embedAttachments(
  messages: readonly TicketMessage[],
  loadAttachment: TranscriptInput['loadAttachment'],
  maxInlineBytes: number,
): Promise<Map<number, EmbeddedAttachment>> {
  const attachments = messages.flatMap((m) => m.attachments);
  const embedded = await Promise.all(attachments.map((a) => embedAttachment(a, loadAttachment, maxInlineBytes)));
  return new Map(embedded.map((e) => [e.attachment.id, e]));
}

function page(language: Language, title: string, body: Markup): string {
  return html`<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${trustedMarkup(TRANSCRIPT_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>${trustedMarkup(TRANSCRIPT_STYLE)}</style>
</head>
<body>
<div class="page">
${body}
</div>
</body>
</html>
`.text;
}

function ticketHeading(input: TranscriptInput, messages: readonly TicketMessage[], presenter: Presenter): Markup {
  const { ticket } = input.record;
  const { words, time } = presenter;
  const facts: Array<[string, HtmlValue]> = [
    [words.category, input.categoryLabel],
    [words.status, words.statusName[ticket.status]],
    [words.priority, words.priorityName[ticket.priority]],
    [words.requester, ticket.requesterName],
    [words.assignee, ticket.assigneeName ?? words.nobody],
    [words.opened, time(ticket.createdAt)],
    [words.closed, ticket.closedAt ? time(ticket.closedAt) : '—'],
  ];
  if (ticket.closeReason) facts.push([words.closeReason, ticket.closeReason]);
  return html`<p class="kicker">${words.kicker} · ${copyNotice(input.audience, messages, words)}</p>
<h1><span class="label">${input.label}</span> ${ticket.subject}</h1>
${definitions(facts)}
${answersSection(ticket.answers, words)}`;
}

function copyNotice(audience: TranscriptAudience, messages: readonly TicketMessage[], words: TranscriptWords): string {
  if (audience === 'requester') return words.requesterCopy;
  return words.staffCopy(messages.some((m) => m.visibility === 'internal'));
}

function definitions(entries: ReadonlyArray<[string, HtmlValue]>): Markup {
  return html`<dl>${entries.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`;
}

function answersSection(answers: readonly TicketAnswer[], words: TranscriptWords): Markup | null {
  if (answers.length === 0) return null;
  return html`<section class="answers">
<h2>${words.answers}</h2>
${definitions(answers.map((a) => [a.label, a.value]))}
</section>`;
}

function messagesSection(
  record: TicketRecord,
  messages: readonly TicketMessage[],
  embedded: ReadonlyMap<number, EmbeddedAttachment>,
  presenter: Presenter,
): Markup {
  const { words } = presenter;
  const items = messages.map((m) => messageArticle(m, revisionsOf(record, m.id), embedded, presenter));
  return html`<section class="messages">
<h2>${words.messages(messages.length)}</h2>
${items.length > 0 ? items : html`<p class="empty">${words.noMessages}</p>`}
</section>`;
}

function messageArticle(
  message: TicketMessage,
  revisions: readonly MessageRevision[],
  embedded: ReadonlyMap<number, EmbeddedAttachment>,
  presenter: Presenter,
): Markup {
  const internal = message.visibility === 'internal';
  const classes = ['message', `role-${message.authorRole}`, internal && 'internal', message.deletedAt && 'deleted'].filter(Boolean).join(' ');
  const attachments = message.attachments.flatMap((a) => embedded.get(a.id) ?? []);
  const parts = [
    messageHeader(message, revisions, presenter),
    message.body && html`<p class="body">${message.body}</p>`,
    revisionsBlock(revisions, presenter),
    attachmentList(attachments, presenter),
  ];
  return html`<article class="${classes}" id="message-${message.id}">
${parts.map((part) => part && html`${part}\n`)}</article>
`;
}

function messageHeader(message: TicketMessage, revisions: readonly MessageRevision[], presenter: Presenter): Markup {
  const role = presenter.words.role[message.authorRole];
  const marks = messageMarks(message, revisions, presenter);
  return html`<header><span class="author">${message.authorName}</span> <span class="role">${role}</span> ${presenter.time(message.createdAt)}${marks}</header>`;
}

function messageMarks(message: TicketMessage, revisions: readonly MessageRevision[], presenter: Presenter): Markup[] {
  const { words, dateText } = presenter;
  const marks: Markup[] = [];
  if (message.visibility === 'internal') marks.push(html`<span class="mark mark-internal">${words.internalNote}</span>`);
  const editedAt = message.editedAt ?? revisions.at(-1)?.replacedAt;
  if (editedAt) marks.push(html`<span class="mark mark-edited">${words.edited(dateText(editedAt))}</span>`);
  if (message.deletedAt) marks.push(html`<span class="mark mark-deleted">${words.deleted(dateText(message.deletedAt))}</span>`);
  return marks.map((mark) => html` ${mark}`);
}

function revisionsBlock(revisions: readonly MessageRevision[], presenter: Presenter): Markup | null {
  if (revisions.length === 0) return null;
  const { words, dateText } = presenter;
  return html`<section class="revisions">
<h3>${words.earlierVersions}</h3>
<ol>${revisions.map((r) => html`<li><span class="meta">${words.versionUntil(dateText(r.replacedAt))}</span><p class="body">${r.body}</p></li>`)}</ol>
</section>`;
}

function attachmentList(attachments: readonly EmbeddedAttachment[], presenter: Presenter): Markup | null {
  if (attachments.length === 0) return null;
  return html`<ul class="attachments" aria-label="${presenter.words.attachments}">
${attachments.map((a) => html`<li>${attachmentItem(a, presenter)}</li>\n`)}</ul>`;
}

function attachmentItem(embedded: EmbeddedAttachment, presenter: Presenter): Markup {
  const { name, contentType, size, sha256 } = embedded.attachment;
  const { words } = presenter;
  switch (embedded.kind) {
    case 'image':
      return html`<figure><img src="${embedded.dataUri}" alt="${name}"><figcaption>${name} <span class="meta">${presenter.size(size)}</span></figcaption></figure>`;
    case 'file':
      return html`<span class="file"><a download="${name}" href="${embedded.dataUri}">${name}</a> <span class="meta">${contentType} · ${presenter.size(size)}</span></span>`;
    case 'listed': {
      const why = embedded.reason === 'too_large' ? words.notEmbedded : words.unavailable;
      return html`<span class="file">${name} <span class="meta">${contentType} · ${presenter.size(size)} · ${why}</span> <span class="hash">SHA-256 ${sha256}</span></span>`;
    }
  }
}

function timelineSection(events: readonly TicketEvent[], presenter: Presenter): Markup {
  const { words, time } = presenter;
  const items = events.map(
    (e) => html`<li>${time(e.createdAt)} ${eventSentence(e, words)}${e.reason && html`<span class="reason">${words.reason(e.reason)}</span>`}</li>\n`,
  );
  return html`<section class="events">
<h2>${words.timeline}</h2>
${items.length > 0 ? html`<ol class="timeline">\n${items}</ol>` : html`<p class="empty">${words.noEvents}</p>`}
</section>`;
}

function eventSentence(event: TicketEvent, words: TranscriptWords): string {
  const say = words.events;
  const actor = event.actorName;
  switch (event.type) {
    case 'opened':
      return say.opened(actor);
    case 'status_changed':
      return say.statusChanged(actor, statusName(event.fromStatus, words), statusName(event.toStatus, words));
    case 'claimed':
      return say.claimed(actor);
    case 'assigned': {
      const assignee = dataText(event, 'toName') ?? dataText(event, 'to');
      return assignee ? say.assigned(actor, assignee) : say.unassigned(actor);
    }
    case 'priority_changed':
      return say.priorityChanged(actor, priorityName(dataText(event, 'to'), words));
    case 'moved':
      return say.moved(actor, dataText(event, 'from') ?? '—', dataText(event, 'to') ?? '—');
    case 'participant_added':
      return say.participantAdded(actor, participantName(event));
    case 'participant_removed':
      return say.participantRemoved(actor, participantName(event));
    case 'resolved':
      return say.resolved(actor);
    case 'closed':
      return say.closed(actor);
    case 'reopened':
      return say.reopened(actor);
    case 'imported':
      return say.imported(dataText(event, 'source') ?? actor);
  }
}

function statusName(status: TicketStatus | null, words: TranscriptWords): string {
  return status ? words.statusName[status] : '—';
}

function priorityName(priority: string | null, words: TranscriptWords): string {
  if (!priority) return '—';
  return Object.hasOwn(words.priorityName, priority) ? words.priorityName[priority as Priority] : priority;
}

function participantName(event: TicketEvent): string {
  return dataText(event, 'userName') ?? dataText(event, 'userId') ?? '—';
}

/** A text detail of an event; `data` is free-form in storage, so anything else counts as absent. */
function dataText(event: TicketEvent, key: string): string | null {
  const value = event.data?.[key];
  return typeof value === 'string' && value !== '' ? value : null;
}
