import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import type { Actor, Ticket, TicketChange } from '../../src/core/index.js';
import type { DiscordDesk } from './discord-desk.js';
import { ids, linkButton, plain } from './render.js';

/**
 * How each change to a ticket shows on Discord. Every handler that changes a ticket (commands, buttons,
 * modals, thread events) ends here, so a change looks the same whoever made it and however.
 */
export class TicketUpdates {
  constructor(private readonly dd: DiscordDesk) {}

  private words(ticket: Ticket) {
    return this.dd.deskWords(this.dd.deskOf(ticket));
  }

  /** Status reaction and card, after a change of status. */
  async statusChanged(ticket: Ticket, previous: Ticket['status']): Promise<void> {
    await this.dd.showStatus(ticket, previous);
    await this.dd.refreshCard(ticket);
  }

  async claimed(change: TicketChange, by: Actor): Promise<void> {
    await this.dd.refreshCard(change.ticket);
    await this.dd.postNotice(change.ticket, this.words(change.ticket).notices.claimed(plain(by.name)));
  }

  async assigned(change: TicketChange, by: Actor): Promise<void> {
    const { ticket } = change;
    const t = this.words(ticket);
    await this.dd.refreshCard(ticket);
    if (ticket.assigneeId) {
      const thread = await this.dd.thread(ticket);
      if (thread) await this.dd.addToThread(thread, [ticket.assigneeId]);
      await this.dd.postNotice(ticket, t.notices.assigned(plain(ticket.assigneeName ?? ''), plain(by.name)));
    } else {
      await this.dd.postNotice(ticket, t.notices.unassigned(plain(by.name)));
    }
  }

  async prioritySet(change: TicketChange, by: Actor): Promise<void> {
    await this.dd.refreshCard(change.ticket);
    await this.dd.postNotice(change.ticket, this.words(change.ticket).notices.priority(change.ticket.priority, plain(by.name)));
  }

  async moved(change: TicketChange, categoryLabel: string, by: Actor): Promise<void> {
    const { ticket } = change;
    const t = this.words(ticket);
    await this.dd.refreshCard(ticket);
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
   * thread takes neither), then the requester is told, with a way to reopen.
   */
  async closed(change: TicketChange, by: Actor): Promise<void> {
    const { ticket } = change;
    const desk = this.dd.deskOf(ticket);
    const t = this.words(ticket);
    const reason = ticket.closeReason ? plain(ticket.closeReason) : null;
    await this.dd.postNotice(ticket, t.notices.closed(plain(by.name), reason));
    await this.statusChanged(ticket, change.previousStatus);
    await this.dd.archive(ticket);
    if (by.id !== ticket.requesterId) {
      const r = this.dd.requesterWords(ticket);
      const label = this.dd.label(ticket);
      const days = desk.autoClose.requesterReopenDays;
      await this.dd.dmRequester(ticket, {
        content: [r.dm.closed(label, reason), days > 0 ? r.dm.closedReopen(days) : ''].filter(Boolean).join('\n'),
        components: days > 0 ? [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(ids.button('reopen', ticket.id)).setLabel(r.buttons.reopen).setStyle(ButtonStyle.Secondary))] : [],
      });
    }
    await this.dd.postToLog(desk, { content: `${this.dd.label(ticket)} · ${t.notices.closed(plain(by.name), reason)}` });
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
