import { ButtonStyle, time, TimestampStyles } from 'discord.js';
import { ticketTranscript } from '../../src/transcripts/index.js';
import { SYSTEM_ACTOR, type Actor, type AutoCloseKind, type Ticket, type TicketChange } from '../../src/core/index.js';
import type { Catalog } from '../../src/i18n/index.js';
import type { TicketNotifier } from '../../src/platform-adapter.js';
import { settleAll } from '../../src/util/settle-all.js';
import { StatusDisplay } from '../../src/util/status-display.js';
import type { DiscordDesk } from './discord-desk.js';
import { button, buttonRow, categoryName, ids, linkButton, plain } from './render.js';

/** The reason shown for a closing: the desk's words for an automatic one, else what the person wrote. */
function closingReason(t: Catalog, change: TicketChange): string | null {
  const automatic = (change.event.data as { automatic?: AutoCloseKind } | null)?.automatic;
  if (automatic) return t.autoClose.reason(automatic);
  return change.ticket.closeReason ? plain(change.ticket.closeReason) : null;
}

/**
 * How each change to a ticket shows on Discord. Every handler that changes a ticket (commands, buttons,
 * modals, thread events) ends here, so a change looks the same whoever made it and however.
 */
export class TicketUpdates implements TicketNotifier {
  private readonly display: StatusDisplay;

  constructor(private readonly dd: DiscordDesk) {
    this.display = new StatusDisplay(dd.queue, dd.service, (ticket, shown) => settleAll([dd.showStatus(ticket, shown), dd.refreshCard(ticket)]), (error, ticketId) => dd.log.warn({ err: error, ticketId }, 'could not show the status of a ticket'));
  }

  private words(ticket: Ticket) {
    return this.dd.deskWords(this.dd.deskOf(ticket));
  }

  /** The card, after a change that moves no status: in turn with the status redraws (see StatusDisplay.inTurn). */
  refreshCard(ticket: Ticket): Promise<void> {
    return this.display.inTurn(ticket.id, () => this.dd.refreshCard(ticket));
  }

  /** Status reaction and card, after a change of status. */
  async statusChanged(ticket: Ticket, previous: Ticket['status']): Promise<void> {
    await this.display.now(ticket, previous);
  }

  /**
   * A message moved the ticket between open and pending: the reaction and card follow, beside the message's
   * own calls; changes that come while a redraw waits are shown by it, so a busy conversation does not
   * redraw them at every message.
   */
  statusChangedByMessage(recorded: Ticket, previous: Ticket['status']): void {
    this.display.later(recorded, previous);
  }

  async claimed(change: TicketChange, by: Actor): Promise<void> {
    await this.refreshCard(change.ticket);
    await this.dd.postNotice(change.ticket, this.words(change.ticket).notices.claimed(plain(by.name)));
  }

  async assigned(change: TicketChange, by: Actor): Promise<void> {
    const { ticket } = change;
    const t = this.words(ticket);
    await this.refreshCard(ticket);
    if (ticket.assigneeId) {
      const thread = await this.dd.thread(ticket);
      if (thread) await this.dd.addToThread(thread, [ticket.assigneeId]);
      await this.dd.postNotice(ticket, t.notices.assigned(plain(ticket.assigneeName ?? ''), plain(by.name)));
    } else {
      await this.dd.postNotice(ticket, t.notices.unassigned(plain(by.name)));
    }
  }

  async prioritySet(change: TicketChange, by: Actor): Promise<void> {
    await this.refreshCard(change.ticket);
    await this.dd.postNotice(change.ticket, this.words(change.ticket).notices.priority(change.ticket.priority, plain(by.name)));
  }

  async moved(change: TicketChange, categoryLabel: string, by: Actor): Promise<void> {
    const { ticket } = change;
    const t = this.words(ticket);
    await this.refreshCard(ticket);
    await this.dd.postNotice(ticket, t.notices.moved(categoryLabel, plain(by.name)));
    const thread = await this.dd.thread(ticket);
    if (thread) await this.dd.bringAgents(ticket, thread, t.card.staffNotice(this.dd.label(ticket), categoryLabel));
  }

  async participantAdded(change: TicketChange, user: Actor, by: Actor): Promise<void> {
    const thread = await this.dd.thread(change.ticket);
    if (thread) await this.dd.addToThread(thread, [user.id]);
    await this.dd.postNotice(change.ticket, this.words(change.ticket).notices.participantAdded(`<@${user.id}>`, plain(by.name)));
  }

  async participantRemoved(change: TicketChange, user: Actor, by: Actor): Promise<void> {
    const thread = await this.dd.thread(change.ticket);
    if (thread) await thread.members.remove(user.id).catch(() => undefined);
    await this.dd.postNotice(change.ticket, this.words(change.ticket).notices.participantRemoved(plain(user.name), plain(by.name)));
  }

  async resolved(change: TicketChange, by: Actor): Promise<void> {
    const { ticket } = change;
    await this.statusChanged(ticket, change.previousStatus);
    await this.dd.postNotice(ticket, this.words(ticket).notices.resolved(plain(by.name)));
    if (by.id !== ticket.requesterId) {
      const r = this.dd.requesterWords(ticket);
      await this.dd.dmRequester(ticket, { content: r.dm.resolved(this.dd.label(ticket)), components: [linkButton(r.openTicketButton, this.dd.ticketUrl(ticket))] });
    }
  }

  /**
   * A closed ticket: the notice and the 🔒 go in first, then the thread is archived and locked (an archived
   * thread takes neither), then the requester is told, with a way to reopen, and asked to rate the help.
   */
  async closed(change: TicketChange, by: Actor): Promise<void> {
    const { ticket } = change;
    const desk = this.dd.deskOf(ticket);
    const t = this.words(ticket);
    await this.dd.postNotice(ticket, t.notices.closed(plain(by.name), closingReason(t, change)));
    await this.statusChanged(ticket, change.previousStatus);
    await this.dd.archive(ticket);
    const r = this.dd.requesterWords(ticket);
    const label = this.dd.label(ticket);
    const now = this.dd.context.clock.now();
    const requesterCopy = await ticketTranscript(this.dd.service, this.dd.context.storage, ticket.id, { format: 'html', language: r.language, staffCopy: false, now });
    const days = desk.autoClose.requesterReopenDays;
    await this.dd.dmRequester(ticket, {
      content: [by.id !== ticket.requesterId ? r.dm.closed(label, closingReason(r, change)) : '', days > 0 ? r.dm.closedReopen(days) : '', r.transcriptAttached].filter(Boolean).join('\n'),
      files: [{ name: requesterCopy.name, data: Buffer.from(requesterCopy.bytes) }],
      components: days > 0 ? [buttonRow(button(ids.button('reopen', ticket.id), r.buttons.reopen, ButtonStyle.Secondary))] : [],
    });
    if (desk.askForRating) {
      const scores = [1, 2, 3, 4, 5].map((score) => button(ids.rate(ticket.id, score), '★'.repeat(score), ButtonStyle.Secondary));
      await this.dd.dmRequester(ticket, { content: r.rating.prompt(label), components: [buttonRow(...scores)] });
    }
    const staffCopy = await ticketTranscript(this.dd.service, this.dd.context.storage, ticket.id, { format: 'html', language: t.language, staffCopy: true, now });
    await this.dd.postToLog(desk, {
      content: `${label} · ${t.notices.closed(plain(by.name), closingReason(t, change))}`,
      files: [{ name: staffCopy.name, data: Buffer.from(staffCopy.bytes) }],
    });
  }

  /** The scheduler closed the ticket: shown like any closing, by the desk. */
  async closedAutomatically(change: TicketChange): Promise<void> {
    await this.dd.queue.run(`ticket:${change.ticket.id}`, () => this.closed(change, { ...SYSTEM_ACTOR, name: this.words(change.ticket).deskName }));
  }

  /** The requester (by DM) and the thread are told the ticket closes by itself unless someone writes. */
  async warnAutoClose(ticket: Ticket): Promise<void> {
    if (!ticket.autoCloseAt) return;
    const when = time(ticket.autoCloseAt, TimestampStyles.RelativeTime);
    const label = this.dd.label(ticket);
    await this.dd.queue.run(`ticket:${ticket.id}`, async () => {
      await this.dd.postNotice(ticket, this.words(ticket).autoClose.staffWarning(label, when));
      const r = this.dd.requesterWords(ticket);
      await this.dd.dmRequester(ticket, { content: r.autoClose.warning(label, when), components: [linkButton(r.openTicketButton, this.dd.ticketUrl(ticket))] });
    });
  }

  /** Staff hear in the log channel that a ticket waited past its first-response target. */
  async firstResponseOverdue(ticket: Ticket): Promise<void> {
    const desk = this.dd.deskOf(ticket);
    const t = this.words(ticket);
    const due = ticket.firstResponseDueAt ? time(ticket.firstResponseDueAt, TimestampStyles.ShortDateTime) : '';
    const posted = await this.dd.postToLog(desk, {
      content: t.firstResponse.overdue(this.dd.label(ticket), categoryName(desk, ticket.categoryKey), due),
      components: [linkButton(t.openTicketButton, this.dd.ticketUrl(ticket))],
    });
    if (!posted) this.dd.log.warn({ ticketId: ticket.id }, 'first-response target missed, but the desk has no log channel to say so');
  }

  /** A reopened ticket: the thread is unarchived first, then status, notice, and the requester is told. */
  async reopened(change: TicketChange, by: Actor): Promise<void> {
    const { ticket } = change;
    const t = this.words(ticket);
    const thread = await this.dd.unarchive(ticket);
    if (thread) await this.dd.addToThread(thread, [ticket.requesterId]);
    await this.statusChanged(ticket, change.previousStatus);
    await this.dd.postNotice(ticket, t.notices.reopened(plain(by.name), change.event.reason ? plain(change.event.reason) : null));
    if (by.id !== ticket.requesterId) {
      const r = this.dd.requesterWords(ticket);
      await this.dd.dmRequester(ticket, { content: r.dm.reopened(this.dd.label(ticket), plain(by.name)), components: [linkButton(r.openTicketButton, this.dd.ticketUrl(ticket))] });
    }
  }
}
