import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  escapeMarkdown,
  time,
  TimestampStyles,
  type APIEmbedField,
} from 'discord.js';
import { findCategory, type DeskConfig, type Ticket, type TicketStatus } from '../../src/core/index.js';
import type { Catalog } from '../../src/i18n/index.js';

/** The status reaction on a ticket's card: exactly one at a time. */
export const STATUS_EMOJI: Record<TicketStatus, string> = { open: '🟢', pending: '⏳', resolved: '✅', closed: '🔒' };
const STATUS_COLOR: Record<TicketStatus, number> = { open: 0x2ecc71, pending: 0xf1c40f, resolved: 0x3498db, closed: 0x7f8c8d };

/**
 * User text shown by the bot: markdown escaped (so a subject cannot fake formatting or links) and
 * `@everyone` / `@here` defused for clients that would render them. Pings are stopped separately by
 * allowed_mentions; this keeps the text looking like what was typed.
 */
export function plain(text: string): string {
  // discord.js escapes only the first of several masked links ([a](…) and [b](…)); escaping every `[` defuses all.
  return escapeMarkdown(text, { maskedLink: false, heading: true, bulletedList: true, numberedList: true, escape: true })
    .replace(/\[/g, '\\[')
    .replace(/@(everyone|here)/g, '@\u200b$1');
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Custom ids of the bot's buttons and modals: `ticket:<action>:<ticket id>`. */
export const ids = {
  button: (action: 'claim' | 'resolve' | 'close' | 'reopen' | 'join', ticketId: number) => `ticket:${action}:${ticketId}`,
  closeModal: (ticketId: number) => `ticket-close:${ticketId}`,
  reopenModal: (ticketId: number) => `ticket-reopen:${ticketId}`,
  confirmClose: (nonce: string) => `close-confirm:${nonce}`,
  cancelClose: (nonce: string) => `close-cancel:${nonce}`,
  form: (categoryKey: string | null, nonce: string) => `ticket-form:${categoryKey ?? ''}:${nonce}`,
  categoryPicker: 'ticket-category',
  listPage: (nonce: string) => `ticket-list:${nonce}`,
  rate: (ticketId: number, score: number) => `rate:${ticketId}:${score}`,
  rateComment: (ticketId: number) => `rate-comment:${ticketId}`,
  confirmOpen: (nonce: string) => `ticket-confirm:${nonce}`,
  dropOpen: (nonce: string) => `ticket-drop:${nonce}`,
};

export function threadName(label: string, subject: string): string {
  return truncate(`${label} · ${subject}`, 100);
}

export function categoryName(desk: DeskConfig, key: string): string {
  const category = findCategory(desk, key);
  return category ? `${category.emoji ? `${category.emoji} ` : ''}${category.label}` : key;
}

/** The ticket card: what it is about, who asked, where it stands. Shown at the top of the thread. */
export function cardEmbed(t: Catalog, desk: DeskConfig, ticket: Ticket, label: string): EmbedBuilder {
  const fields: APIEmbedField[] = [
    { name: t.card.category, value: categoryName(desk, ticket.categoryKey), inline: true },
    { name: t.card.status, value: `${STATUS_EMOJI[ticket.status]} ${t.staffStatus(ticket.status)}`, inline: true },
    { name: t.card.priority, value: t.priority(ticket.priority), inline: true },
    { name: t.card.requester, value: `<@${ticket.requesterId}>`, inline: true },
    { name: t.card.assignee, value: ticket.assigneeId ? `<@${ticket.assigneeId}>` : t.card.nobody, inline: true },
    { name: t.card.opened, value: time(ticket.createdAt, TimestampStyles.RelativeTime), inline: true },
  ];
  for (const answer of ticket.answers.slice(0, 10)) {
    fields.push({ name: truncate(answer.label, 256), value: truncate(plain(answer.value), 1024) });
  }
  return new EmbedBuilder()
    .setTitle(truncate(t.card.title(label, ticket.subject), 256))
    .setDescription(truncate(plain(ticket.description), 4000))
    .setColor(STATUS_COLOR[ticket.status])
    .addFields(fields);
}

export function cardButtons(t: Catalog, ticket: Ticket): ActionRowBuilder<ButtonBuilder> {
  const row = new ActionRowBuilder<ButtonBuilder>();
  if (ticket.status === 'closed') {
    row.addComponents(new ButtonBuilder().setCustomId(ids.button('reopen', ticket.id)).setLabel(t.buttons.reopen).setStyle(ButtonStyle.Secondary));
    return row;
  }
  row.addComponents(
    new ButtonBuilder().setCustomId(ids.button('claim', ticket.id)).setLabel(t.buttons.claim).setStyle(ButtonStyle.Primary).setDisabled(!!ticket.assigneeId),
    new ButtonBuilder().setCustomId(ids.button('resolve', ticket.id)).setLabel(t.buttons.resolve).setStyle(ButtonStyle.Success).setDisabled(ticket.status === 'resolved'),
    new ButtonBuilder().setCustomId(ids.button('close', ticket.id)).setLabel(t.buttons.close).setStyle(ButtonStyle.Danger),
  );
  return row;
}

export function linkButton(label: string, url: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel(label).setURL(url));
}

export function threadUrl(guildId: string, threadId: string, messageId?: string): string {
  return `https://discord.com/channels/${guildId}/${threadId}${messageId ? `/${messageId}` : ''}`;
}
