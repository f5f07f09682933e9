import type { Actor, Ticket, TicketChange } from '../../src/core/index.js';
import { escapeMrkdwn } from './mrkdwn.js';
import type { SlackDesk } from './slack-desk.js';

/**
 * How each change to a ticket shows on Slack, on both of its spaces. Buttons, modals, commands and
 * messages all end here, so a change looks the same however it was made.
 */
export class TicketUpdates {
  constructor(private readonly sd: SlackDesk) {}

  private staffWords(ticket: Ticket) {
    return this.sd.deskWords(this.sd.deskOf(ticket));
  }

  async statusChanged(ticket: Ticket, previous: Ticket['status']): Promise<void> {
    await this.sd.showStatus(ticket, previous);
    await this.sd.refreshCards(ticket);
  }

  async claimed(change: TicketChange, by: Actor): Promise<void> {
    await this.sd.refreshCards(change.ticket);
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
    const days = desk.autoClose.requesterReopenDays;
    await this.statusChanged(ticket, change.previousStatus);
    await this.sd.notice(ticket, {
      staff: this.staffWords(ticket).notices.closed(by.name, ticket.closeReason),
      requester: [r.dm.closed(this.sd.label(ticket), ticket.closeReason), days > 0 ? r.dm.closedReopen(days) : ''].filter(Boolean).join(' '),
    });
    const log = desk.slack?.logChannelId;
    if (log) await this.sd.post(log, null, escapeMrkdwn(`${this.sd.label(ticket)} · ${this.staffWords(ticket).notices.closed(by.name, ticket.closeReason)}`)).catch((error: unknown) => this.sd.log.warn({ err: error }, 'could not post to the Slack log channel'));
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
