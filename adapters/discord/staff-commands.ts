import { randomBytes } from 'node:crypto';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type GuildMember,
  type ModalSubmitInteraction,
  type RepliableInteraction,
  type User,
} from 'discord.js';
import { isStaff, may, refuse, type Actor, type DeskConfig, type DeskStats, type Ticket, type TicketFilter } from '../../src/core/index.js';
import { ticketTranscript } from '../../src/transcripts/index.js';
import type { Catalog } from '../../src/i18n/index.js';
import { UserFacingError, type DiscordDesk } from './discord-desk.js';
import { categoryName, ids, plain, STATUS_EMOJI, truncate } from './render.js';
import type { TicketUpdates } from './ticket-updates.js';

const CONFIRM_TTL_MS = 5 * 60_000;
const PAGE_SIZE = 15;

interface PendingClose {
  ticketId: number;
  reason: string | null;
  userId: string;
  expiresAt: number;
}

interface ListPage {
  filter: TicketFilter;
  userId: string;
  expiresAt: number;
}

/**
 * Staff commands and the ticket buttons. Each acts on the ticket of the thread it is used in, or on the
 * ticket named by its `ticket` option. The core decides who may do what; these only translate.
 */
export class StaffCommands {
  private readonly pendingCloses = new Map<string, PendingClose>();
  private readonly listPages = new Map<string, ListPage>();

  constructor(
    private readonly dd: DiscordDesk,
    private readonly updates: TicketUpdates,
  ) {}

  private actor(interaction: RepliableInteraction): Actor {
    return this.dd.actor(interaction.user, interaction.member, interaction.locale);
  }

  private words(interaction: RepliableInteraction): Catalog {
    return this.dd.words(interaction.locale, this.dd.deskForGuild(interaction.guildId));
  }

  /** The ticket a command is about: the `ticket` option, else the thread it was typed in. */
  private async targetTicket(interaction: ChatInputCommandInteraction | AutocompleteInteraction): Promise<Ticket> {
    const reference = interaction.options.getString('ticket');
    if (reference && interaction.guildId) return this.dd.service.ticketByReference('discord', interaction.guildId, reference);
    const ticketId = interaction.channelId ? this.dd.threads.get(interaction.channelId) : undefined;
    if (!ticketId) throw new UserFacingError((t) => t.notInTicket);
    return this.dd.service.ticketById(ticketId);
  }

  /** Runs a change in the ticket's queue, so it is ordered with the ticket's messages. */
  private inOrder<T>(ticket: Ticket, work: () => Promise<T>): Promise<T> {
    return this.dd.queue.run(`ticket:${ticket.id}`, work);
  }

  private async done(interaction: RepliableInteraction, content: string): Promise<void> {
    if (interaction.deferred || interaction.replied) await interaction.editReply({ content, components: [] });
    else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
  }

  private memberActor(user: User, member: GuildMember | null | unknown): Actor {
    return this.dd.actor(user, (member as GuildMember | null) ?? null);
  }

  async onClose(interaction: ChatInputCommandInteraction): Promise<void> {
    const ticket = await this.targetTicket(interaction);
    const actor = this.actor(interaction);
    const standing = await this.dd.service.standingOn(ticket.id, actor);
    if (!may('close', standing)) refuse({ code: 'not_allowed', action: 'close' });
    if (ticket.status === 'closed') refuse({ code: 'invalid_status', action: 'close', status: 'closed' });
    // Checked before the confirmation, which repeats it: a reason too long is refused here, by its limit.
    const reason = this.dd.service.reasonFor(ticket, interaction.options.getString('reason'));
    const nonce = randomBytes(6).toString('hex');
    this.sweep();
    this.pendingCloses.set(nonce, { ticketId: ticket.id, reason, userId: interaction.user.id, expiresAt: Date.now() + CONFIRM_TTL_MS });
    const t = this.words(interaction);
    const label = this.dd.label(ticket);
    await interaction.reply({
      content: reason ? t.close.confirmWithReason(label, plain(reason)) : t.close.confirm(label),
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId(ids.confirmClose(nonce)).setLabel(t.buttons.confirmClose).setStyle(ButtonStyle.Danger),
          new ButtonBuilder().setCustomId(ids.cancelClose(nonce)).setLabel(t.buttons.cancel).setStyle(ButtonStyle.Secondary),
        ),
      ],
      flags: MessageFlags.Ephemeral,
    });
  }

  async onConfirmClose(interaction: ButtonInteraction): Promise<void> {
    const nonce = interaction.customId.split(':')[1] ?? '';
    const pending = this.pendingCloses.get(nonce);
    const t = this.words(interaction);
    if (!pending || pending.userId !== interaction.user.id || pending.expiresAt < Date.now()) {
      await interaction.update({ content: t.close.expired, components: [] });
      return;
    }
    this.pendingCloses.delete(nonce);
    await interaction.deferUpdate();
    await this.close(interaction, pending.ticketId, pending.reason);
  }

  async onCancelClose(interaction: ButtonInteraction): Promise<void> {
    this.pendingCloses.delete(interaction.customId.split(':')[1] ?? '');
    await interaction.update({ content: this.words(interaction).close.cancelled, components: [] });
  }

  private async close(interaction: RepliableInteraction, ticketId: number, reason: string | null): Promise<void> {
    const actor = this.actor(interaction);
    const ticket = await this.dd.service.ticketById(ticketId);
    await this.inOrder(ticket, async () => {
      const change = await this.dd.service.close(ticketId, actor, reason);
      await this.updates.closed(change, actor);
    });
    await this.done(interaction, this.words(interaction).close.done(this.dd.label(ticket)));
  }

  /** The card's Close button: a modal asks for an optional reason; submitting it is the confirmation. */
  async onCloseButton(interaction: ButtonInteraction, ticketId: number): Promise<void> {
    const ticket = await this.dd.service.ticketById(ticketId);
    const standing = await this.dd.service.standingOn(ticket.id, this.actor(interaction));
    if (!may('close', standing)) refuse({ code: 'not_allowed', action: 'close' });
    if (ticket.status === 'closed') refuse({ code: 'invalid_status', action: 'close', status: 'closed' });
    const t = this.words(interaction);
    const reason = new TextInputBuilder().setCustomId('reason').setStyle(TextInputStyle.Paragraph).setRequired(false).setMaxLength(500).setPlaceholder(t.close.reasonPlaceholder);
    await interaction.showModal(
      new ModalBuilder()
        .setCustomId(ids.closeModal(ticket.id))
        .setTitle(truncate(t.close.modalTitle(this.dd.label(ticket)), 45))
        .addLabelComponents(new LabelBuilder().setLabel(t.close.reason).setTextInputComponent(reason)),
    );
  }

  async onCloseModal(interaction: ModalSubmitInteraction, ticketId: number): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await this.close(interaction, ticketId, interaction.fields.getTextInputValue('reason') || null);
  }

  async onReopen(interaction: ChatInputCommandInteraction): Promise<void> {
    const ticket = await this.targetTicket(interaction);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await this.reopen(interaction, ticket.id, interaction.options.getString('reason'));
  }

  private async reopen(interaction: RepliableInteraction, ticketId: number, reason: string | null): Promise<void> {
    const actor = this.actor(interaction);
    const ticket = await this.dd.service.ticketById(ticketId);
    await this.inOrder(ticket, async () => {
      const change = await this.dd.service.reopen(ticketId, actor, reason);
      await this.updates.reopened(change, actor);
    });
    await this.done(interaction, this.words(interaction).reopen.done(this.dd.label(ticket)));
  }

  /** The Reopen button (on the card of a closed ticket, or in the requester's DM): a modal asks why. */
  async onReopenButton(interaction: ButtonInteraction, ticketId: number): Promise<void> {
    const ticket = await this.dd.service.ticketById(ticketId);
    const standing = await this.dd.service.standingOn(ticket.id, this.actor(interaction));
    if (!may('reopen', standing)) refuse({ code: 'not_allowed', action: 'reopen' });
    if (ticket.status !== 'closed' && ticket.status !== 'resolved') refuse({ code: 'invalid_status', action: 'reopen', status: ticket.status });
    const t = this.words(interaction);
    const reason = new TextInputBuilder()
      .setCustomId('reason')
      .setStyle(TextInputStyle.Paragraph)
      .setRequired(!isStaff(standing))
      .setMaxLength(500)
      .setPlaceholder(t.reopen.reasonPlaceholder);
    await interaction.showModal(
      new ModalBuilder()
        .setCustomId(ids.reopenModal(ticket.id))
        .setTitle(truncate(t.reopen.modalTitle(this.dd.label(ticket)), 45))
        .addLabelComponents(new LabelBuilder().setLabel(t.reopen.reason).setTextInputComponent(reason)),
    );
  }

  async onReopenModal(interaction: ModalSubmitInteraction, ticketId: number): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await this.reopen(interaction, ticketId, interaction.fields.getTextInputValue('reason') || null);
  }

  async onClaim(interaction: ChatInputCommandInteraction | ButtonInteraction, ticketId?: number): Promise<void> {
    const ticket = ticketId ? await this.dd.service.ticketById(ticketId) : await this.targetTicket(interaction as ChatInputCommandInteraction);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const actor = this.actor(interaction);
    await this.inOrder(ticket, async () => this.updates.claimed(await this.dd.service.claim(ticket.id, actor), actor));
    await this.done(interaction, this.words(interaction).done.claimed(this.dd.label(ticket)));
  }

  async onResolve(interaction: ChatInputCommandInteraction | ButtonInteraction, ticketId?: number): Promise<void> {
    const ticket = ticketId ? await this.dd.service.ticketById(ticketId) : await this.targetTicket(interaction as ChatInputCommandInteraction);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const actor = this.actor(interaction);
    await this.inOrder(ticket, async () => this.updates.resolved(await this.dd.service.resolve(ticket.id, actor), actor));
    await this.done(interaction, this.words(interaction).done.resolved(this.dd.label(ticket)));
  }

  async onAssign(interaction: ChatInputCommandInteraction): Promise<void> {
    const ticket = await this.targetTicket(interaction);
    const user = interaction.options.getUser('member', true);
    const assignee = this.memberActor(user, interaction.options.getMember('member'));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const actor = this.actor(interaction);
    await this.inOrder(ticket, async () => this.updates.assigned(await this.dd.service.assign(ticket.id, actor, assignee), actor));
    await this.done(interaction, this.words(interaction).done.assigned(this.dd.label(ticket), plain(assignee.name)));
  }

  async onPriority(interaction: ChatInputCommandInteraction): Promise<void> {
    const ticket = await this.targetTicket(interaction);
    const level = interaction.options.getString('level', true);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const actor = this.actor(interaction);
    const change = await this.inOrder(ticket, async () => {
      const result = await this.dd.service.setPriority(ticket.id, actor, level);
      await this.updates.prioritySet(result, actor);
      return result;
    });
    await this.done(interaction, this.words(interaction).done.priority(this.dd.label(ticket), change.ticket.priority));
  }

  async onMove(interaction: ChatInputCommandInteraction): Promise<void> {
    const ticket = await this.targetTicket(interaction);
    const key = interaction.options.getString('category', true);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const actor = this.actor(interaction);
    const desk = this.dd.deskOf(ticket);
    await this.inOrder(ticket, async () => {
      const change = await this.dd.service.move(ticket.id, actor, key);
      await this.updates.moved(change, categoryName(desk, change.to.key), actor);
    });
    await this.done(interaction, this.words(interaction).done.moved(this.dd.label(ticket), categoryName(desk, key)));
  }

  async onAdd(interaction: ChatInputCommandInteraction): Promise<void> {
    const ticket = await this.targetTicket(interaction);
    const user = this.memberActor(interaction.options.getUser('member', true), interaction.options.getMember('member'));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const actor = this.actor(interaction);
    await this.inOrder(ticket, async () => this.updates.participantAdded(await this.dd.service.addParticipant(ticket.id, actor, user), user, actor));
    await this.done(interaction, this.words(interaction).done.added(plain(user.name), this.dd.label(ticket)));
  }

  async onRemove(interaction: ChatInputCommandInteraction): Promise<void> {
    const ticket = await this.targetTicket(interaction);
    const user = this.memberActor(interaction.options.getUser('member', true), interaction.options.getMember('member'));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const actor = this.actor(interaction);
    await this.inOrder(ticket, async () => this.updates.participantRemoved(await this.dd.service.removeParticipant(ticket.id, actor, user), user, actor));
    await this.done(interaction, this.words(interaction).done.removed(plain(user.name), this.dd.label(ticket)));
  }

  /** `/note`: stored as internal, posted to the log channel, never in the requester's thread. */
  async onNote(interaction: ChatInputCommandInteraction): Promise<void> {
    const ticket = await this.targetTicket(interaction);
    const text = interaction.options.getString('text', true);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const actor = this.actor(interaction);
    const desk = this.dd.deskOf(ticket);
    const t = this.words(interaction);
    const standing = await this.dd.service.standingOn(ticket.id, actor);
    if (!may('note', standing)) refuse({ code: 'not_allowed', action: 'note' });
    await this.inOrder(ticket, async () => {
      const d = this.dd.deskWords(desk);
      const posted = await this.dd.postToLog(desk, {
        embeds: [{ title: truncate(d.notices.noteTitle(this.dd.label(ticket), actor.name), 256), description: truncate(text, 4000), url: this.dd.ticketUrl(ticket), color: 0x95a5a6 }],
      });
      await this.dd.service.recordNote({
        ticketId: ticket.id,
        author: actor,
        channelId: posted?.channelId ?? interaction.channelId,
        messageId: posted?.messageId ?? interaction.id,
        body: text,
      });
    });
    await this.done(interaction, [t.notices.noteSaved(this.dd.label(ticket)), desk.discord?.logChannelId ? '' : t.noLogChannel].filter(Boolean).join(' '));
  }

  /** `/tickets`: staff see their categories, members their own tickets. */
  async onTickets(interaction: ChatInputCommandInteraction): Promise<void> {
    const filter: TicketFilter = {
      status: (interaction.options.getString('status') as TicketFilter['status']) ?? 'active',
      limit: PAGE_SIZE,
    };
    const category = interaction.options.getString('category');
    if (category) filter.categoryKey = category;
    const requester = interaction.options.getUser('requester');
    if (requester) filter.requesterId = requester.id;
    const assignee = interaction.options.getUser('assignee');
    if (assignee) filter.assigneeId = assignee.id;
    const search = interaction.options.getString('search');
    if (search) filter.text = search;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await this.showList(interaction, filter);
  }

  /** `/tickets stats [days]`: figures for staff over the last days. */
  async onStats(interaction: ChatInputCommandInteraction): Promise<void> {
    const desk = this.dd.deskForGuild(interaction.guildId) ?? refuse({ code: 'desk_not_configured', workspaceId: interaction.guildId ?? 'DM' });
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const days = interaction.options.getInteger('days') ?? 30;
    const to = this.dd.context.clock.now();
    const from = new Date(to.getTime() - days * 86_400_000);
    const stats = await this.dd.service.stats('discord', interaction.guildId!, this.actor(interaction), { from, to });
    await interaction.editReply({ embeds: [statsEmbed(this.words(interaction), desk, stats)], allowedMentions: { parse: [] } });
  }

  async onListPage(interaction: ButtonInteraction): Promise<void> {
    const page = this.listPages.get(interaction.customId.split(':')[1] ?? '');
    if (!page || page.userId !== interaction.user.id || page.expiresAt < Date.now()) {
      await interaction.update({ content: this.words(interaction).close.expired, components: [] });
      return;
    }
    await interaction.deferUpdate();
    await this.showList(interaction, page.filter);
  }

  private async showList(interaction: RepliableInteraction, filter: TicketFilter): Promise<void> {
    const desk = this.dd.deskForGuild(interaction.guildId) ?? refuse({ code: 'desk_not_configured', workspaceId: interaction.guildId ?? 'DM' });
    const t = this.words(interaction);
    const tickets = await this.dd.service.list('discord', interaction.guildId!, this.actor(interaction), filter);
    const lines = tickets.map(
      (ticket) =>
        `${STATUS_EMOJI[ticket.status]} [${this.dd.label(ticket)}](${this.dd.ticketUrl(ticket)}) · ${categoryName(desk, ticket.categoryKey)} · ${plain(truncate(ticket.subject, 60))} · <@${ticket.requesterId}> · ${ticket.assigneeId ? `<@${ticket.assigneeId}>` : t.list.unassigned}`,
    );
    const statusWord = t.list.statusFilter[filter.status ?? 'active'] ?? String(filter.status);
    const embed = new EmbedBuilder().setTitle(t.list.title(tickets.length, statusWord)).setDescription(truncate(lines.join('\n') || t.list.empty, 4000));
    const components: Array<ActionRowBuilder<ButtonBuilder>> = [];
    const last = tickets.at(-1);
    if (tickets.length === PAGE_SIZE && last) {
      const nonce = randomBytes(6).toString('hex');
      this.sweep();
      this.listPages.set(nonce, { filter: { ...filter, beforeNumber: last.number }, userId: interaction.user.id, expiresAt: Date.now() + CONFIRM_TTL_MS });
      components.push(new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(ids.listPage(nonce)).setLabel(t.buttons.older).setStyle(ButtonStyle.Secondary)));
    }
    await interaction.editReply({ content: '', embeds: [embed], components, allowedMentions: { parse: [] } });
  }

  /** `/transcript`: the ticket's whole conversation as a web page (or JSON); internal notes only for staff. */
  async onTranscript(interaction: ChatInputCommandInteraction): Promise<void> {
    const ticket = await this.targetTicket(interaction);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const t = this.words(interaction);
    const file = await ticketTranscript(this.dd.service, this.dd.context.storage, ticket.id, {
      format: interaction.options.getString('format') === 'json' ? 'json' : 'html',
      language: t.language,
      actor: this.actor(interaction),
      now: this.dd.context.clock.now(),
    });
    await interaction.editReply({ content: t.transcript.ready(this.dd.label(ticket)), files: [new AttachmentBuilder(file.bytes, { name: file.name })] });
  }

  /**
   * A star button under the closing DM: the rating is stored at once (one per closing), then a modal offers
   * to add a comment.
   */
  async onRate(interaction: ButtonInteraction, ticketId: number, score: number): Promise<void> {
    await this.dd.service.rate(ticketId, this.actor(interaction), score);
    const t = this.words(interaction);
    const comment = new TextInputBuilder().setCustomId('comment').setStyle(TextInputStyle.Paragraph).setRequired(false).setMaxLength(500).setPlaceholder(t.rating.commentPlaceholder);
    await interaction.showModal(
      new ModalBuilder()
        .setCustomId(ids.rateComment(ticketId))
        .setTitle(truncate(t.rating.commentTitle, 45))
        .addLabelComponents(new LabelBuilder().setLabel(t.rating.comment).setTextInputComponent(comment)),
    );
  }

  async onRateComment(interaction: ModalSubmitInteraction, ticketId: number): Promise<void> {
    const t = this.words(interaction);
    const comment = interaction.fields.getTextInputValue('comment').trim() || null;
    const rating = await this.dd.service.commentOnRating(ticketId, this.actor(interaction), comment);
    await interaction.reply({ content: [t.rating.thanks(rating.score), comment ? t.rating.commentThanks : ''].filter(Boolean).join(' '), flags: MessageFlags.Ephemeral });
  }

  /** The log channel's Join button: staff of the ticket's category join its thread. */
  async onJoin(interaction: ButtonInteraction, ticketId: number): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const ticket = await this.dd.service.ticketById(ticketId);
    const actor = this.actor(interaction);
    const standing = await this.dd.service.standingOn(ticket.id, actor);
    if (!isStaff(standing)) refuse({ code: 'not_allowed', action: 'view' });
    const thread = await this.dd.thread(ticket);
    if (thread) {
      await this.dd.addToThread(thread, [actor.id]);
      await this.dd.postNotice(ticket, this.dd.deskWords(this.dd.deskOf(ticket)).notices.joined(plain(actor.name)));
    }
    await this.done(interaction, this.words(interaction).done.joined(this.dd.label(ticket)));
  }

  /** Suggests tickets for the `ticket` option: the ones the user may see, newest first. */
  async onTicketAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    if (!this.dd.deskForGuild(interaction.guildId) || !interaction.guildId) return interaction.respond([]);
    const typed = interaction.options.getFocused().trim();
    const digits = /\d+/.exec(typed)?.[0];
    const tickets = await this.dd.service.list('discord', interaction.guildId, this.dd.actor(interaction.user, interaction.member), {
      status: 'all',
      limit: 25,
      ...(typed && !digits ? { text: typed } : {}),
    });
    const shown = digits ? tickets.filter((ticket) => String(ticket.number).includes(String(Number(digits)))) : tickets;
    await interaction.respond(shown.map((ticket) => ({ name: truncate(`${this.dd.label(ticket)} · ${ticket.subject}`, 100), value: this.dd.label(ticket) })));
  }

  private sweep(): void {
    const now = Date.now();
    for (const [nonce, pending] of this.pendingCloses) if (pending.expiresAt < now) this.pendingCloses.delete(nonce);
    for (const [nonce, page] of this.listPages) if (page.expiresAt < now) this.listPages.delete(nonce);
  }
}

/** Support figures as an embed: counts, business-hour durations, satisfaction, agents. */
export function statsEmbed(t: Catalog, desk: DeskConfig, stats: DeskStats): EmbedBuilder {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const durations = (summary: DeskStats['firstResponseHours']) => (summary ? t.stats.durations(summary.median, summary.p90, summary.count) : t.stats.none);
  const statuses = (['open', 'pending', 'resolved', 'closed'] as const).map((status) => `${STATUS_EMOJI[status]} ${t.status(status)} ${stats.byStatus[status]}`).join(' · ');
  return new EmbedBuilder()
    .setTitle(t.stats.title(day(stats.from), day(stats.to)))
    .setDescription(`${t.stats.opened(stats.total)} · ${t.stats.missed(stats.firstResponseTargetMissed)}`)
    .addFields(
      { name: t.stats.byStatus, value: statuses },
      { name: t.stats.byCategory, value: stats.byCategory.map((c) => `${categoryName(desk, c.categoryKey)} ${c.count}`).join(' · ') || t.stats.none },
      { name: t.stats.firstResponse, value: durations(stats.firstResponseHours) },
      { name: t.stats.resolution, value: durations(stats.resolutionHours) },
      { name: t.stats.satisfaction, value: stats.satisfaction ? t.stats.rated(stats.satisfaction.average, stats.satisfaction.count) : t.stats.none },
      {
        name: t.stats.perAgent,
        value: truncate(stats.perAgent.map((a) => t.stats.agentLine(plain(a.agentName), a.assigned, a.closed)).join('\n') || t.stats.none, 1024),
      },
    );
}
