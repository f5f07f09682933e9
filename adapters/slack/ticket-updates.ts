import { SYSTEM_ACTOR, type Actor, type AutoCloseKind, type Ticket, type TicketChange } from '../../src/core/index.js';
import { formatWhen, type Catalog } from '../../src/i18n/index.js';
import type { TicketNotifier } from '../../src/platform-adapter.js';
import { settleAll } from '../../src/util/settle-all.js';
import { StatusDisplay } from '../../src/util/status-display.js';
import { ticketTranscript } from '../../src/transcripts/index.js';
import { ACTIONS } from './blocks.js';
import { escapeMrkdwn } from './mrkdwn.js';
import type { SlackDesk } from './slack-desk.js';

/** The reason shown for a closing: the desk's words for an automatic one, else what the person wrote. */
function closingReason(t: Catalog, change: TicketChange): string | null {
  const automatic = (change.event.data as { automatic?: AutoCloseKind } | null)?.automatic;
  return automatic ? t.autoClose.reason(automatic) : change.ticket.closeReason;
}

/**
 * How each change to a ticket shows on Slack, on both of its spaces. Buttons, modals, commands and
 * messages all end here, so a change looks the same however it was made.
 */
export class TicketUpdates implements TicketNotifier {
  private readonly display: StatusDisplay;

  constructor(private readonly sd: SlackDesk) {
    this.display = new StatusDisplay(sd.queue, sd.service, (ticket, shown) => settleAll([sd.showStatus(ticket, shown), sd.refreshCards(ticket)]), (error, ticketId) => sd.log.warn({ err: error, ticketId }, 'could not show the status of a ticket'));
  }

  private staffWords(ticket: Ticket) {
    return this.sd.deskWords(this.sd.deskOf(ticket));
  }

  async statusChanged(ticket: Ticket, previous: Ticket['status']): Promise<void> {
    await this.display.now(ticket, previous);
  }

  /** The cards, after a change that moves no status: in turn with the status redraws (see StatusDisplay.inTurn). */
  refreshCards(ticket: Ticket): Promise<void> {
    return this.display.inTurn(ticket.id, () => this.sd.refreshCards(ticket));
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
    await this.refreshCards(change.ticket);
    await this.sd.notice(change.ticket, { staff: this.staffWords(change.ticket).notices.claimed(by.name) });
  }

  async resolved(change: TicketChange, by: Actor): Promise<void> {
    const { ticket } = change;
    await this.statusChanged(ticket, change.previousStatus);
    await this.sd.notice(ticket, {
      staff: this.staffWords(ticket).notices.resolved(by.name),
      requester: this.sd.requesterWords(ticket).notices.resolved(by.name),
    });
  }

  async closed(change: TicketChange, by: Actor): Promise<void> {
    const { ticket } = change;
    const desk = this.sd.deskOf(ticket);
    const r = this.sd.requesterWords(ticket);
    const t = this.staffWords(ticket);
    const days = desk.autoClose.requesterReopenDays;
    await this.statusChanged(ticket, change.previousStatus);
    await this.sd.notice(ticket, {
      staff: t.notices.closed(by.name, closingReason(t, change)),
      requester: [r.dm.closed(this.sd.label(ticket), closingReason(r, change)), days > 0 ? r.dm.closedReopen(days) : ''].filter(Boolean).join(' '),
    });
    if (desk.askForRating && ticket.requesterChannelId && ticket.requesterThreadId) {
      const prompt = escapeMrkdwn(r.rating.prompt(this.sd.label(ticket)));
      await this.sd.post(ticket.requesterChannelId, ticket.requesterThreadId, prompt, {
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: prompt } },
          {
            type: 'actions',
            block_id: 'rating',
            elements: [1, 2, 3, 4, 5].map((score) => ({ type: 'button', action_id: ACTIONS.rate, value: `${ticket.id}:${score}`, text: { type: 'plain_text', text: '★'.repeat(score) } })),
          },
        ],
      });
    }
    await this.shareTranscripts(ticket, t, r);
    const log = desk.slack?.logChannelId;
    if (log) await this.sd.post(log, null, escapeMrkdwn(`${this.sd.label(ticket)} · ${t.notices.closed(by.name, closingReason(t, change))}`)).catch((error: unknown) => this.sd.log.warn({ err: error }, 'could not post to the Slack log channel'));
  }

  /** The staff copy of the transcript to the log channel (else the staff thread), the requester's copy to their thread. */
  private async shareTranscripts(ticket: Ticket, t: Catalog, r: Catalog): Promise<void> {
    const now = this.sd.context.clock.now();
    const staff = await ticketTranscript(this.sd.service, this.sd.context.storage, ticket.id, { format: 'html', language: t.language, staffCopy: true, now });
    const log = this.sd.deskOf(ticket).slack?.logChannelId;
    if (log) await this.sd.uploadFile(log, null, staff.name, staff.bytes, t.transcript.ready(this.sd.label(ticket)));
    else if (ticket.channelId && ticket.threadId) await this.sd.uploadFile(ticket.channelId, ticket.threadId, staff.name, staff.bytes, t.transcript.ready(this.sd.label(ticket)));
    if (ticket.requesterChannelId && ticket.requesterThreadId) {
      const own = await ticketTranscript(this.sd.service, this.sd.context.storage, ticket.id, { format: 'html', language: r.language, staffCopy: false, now });
      await this.sd.uploadFile(ticket.requesterChannelId, ticket.requesterThreadId, own.name, own.bytes, r.transcriptAttached);
    }
  }

  async closedAutomatically(change: TicketChange): Promise<void> {
    await this.sd.queue.run(`ticket:${change.ticket.id}`, () => this.closed(change, { ...SYSTEM_ACTOR, name: this.staffWords(change.ticket).deskName }));
  }

  async warnAutoClose(ticket: Ticket): Promise<void> {
    if (!ticket.autoCloseAt) return;
    const at = ticket.autoCloseAt;
    const desk = this.sd.deskOf(ticket);
    const zone = desk.hours?.timezone ?? 'UTC';
    const r = this.sd.requesterWords(ticket);
    const t = this.staffWords(ticket);
    const label = this.sd.label(ticket);
    await this.sd.queue.run(`ticket:${ticket.id}`, () =>
      this.sd.notice(ticket, {
        staff: t.autoClose.staffWarning(label, formatWhen(at, t.language, zone)),
        requester: r.autoClose.warning(label, formatWhen(at, r.language, zone)),
      }),
    );
  }

  async firstResponseOverdue(ticket: Ticket): Promise<void> {
    const desk = this.sd.deskOf(ticket);
    const t = this.staffWords(ticket);
    const category = desk.categories.find((c) => c.key === ticket.categoryKey)?.label ?? ticket.categoryKey;
    const due = ticket.firstResponseDueAt ? formatWhen(ticket.firstResponseDueAt, t.language, desk.hours?.timezone ?? 'UTC') : '';
    const text = t.firstResponse.overdue(this.sd.label(ticket), category, due);
    await this.sd.queue.run(`ticket:${ticket.id}`, () => this.sd.notice(ticket, { staff: text }));
    if (desk.slack?.logChannelId) await this.sd.post(desk.slack.logChannelId, null, escapeMrkdwn(text));
  }

  async reopened(change: TicketChange, by: Actor): Promise<void> {
    const { ticket } = change;
    await this.statusChanged(ticket, change.previousStatus);
    await this.sd.notice(ticket, {
      staff: this.staffWords(ticket).notices.reopened(by.name, change.event.reason),
      requester: this.sd.requesterWords(ticket).notices.reopened(by.name, change.event.reason),
    });
  }
}
