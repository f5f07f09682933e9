import {
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  time,
  TimestampStyles,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
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

/**
 * What the bot sends on every opening and every message is written as Discord's own JSON here, not with
 * discord.js's builders: they check each value with a validator at every call (a few percent of the bot's CPU
 * per ticket, most of it building errors that a union of checks throws away). The limits they enforce (256
 * for a title, 4,000 for a description, 80 for a button label) are kept by `truncate`; the Discord end-to-end
 * test checks what the bot sends against Discord's API description (tools/check-discord-calls, when installed).
 */
export type ButtonRow = APIActionRowComponent<APIButtonComponent>;

/** The ticket card: what it is about, who asked, where it stands. Shown at the top of the thread. */
export function cardEmbed(t: Catalog, desk: DeskConfig, ticket: Ticket, label: string): APIEmbed {
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
  const description = truncate(plain(ticket.description), 4000);
  return {
    // A title renders formatting (bold, italics) though no link, and pings no one: the subject is escaped here too.
    title: truncate(t.card.title(label, plain(ticket.subject)), 256),
    ...(description ? { description } : {}),
    color: STATUS_COLOR[ticket.status],
    fields,
  };
}

export function button(customId: string, label: string, style: Exclude<ButtonStyle, ButtonStyle.Link | ButtonStyle.Premium>, disabled?: boolean): APIButtonComponent {
  return { type: ComponentType.Button, custom_id: customId, label: truncate(label, 80), style, ...(disabled === undefined ? {} : { disabled }) };
}

export function buttonRow(...buttons: APIButtonComponent[]): ButtonRow {
  return { type: ComponentType.ActionRow, components: buttons };
}

export function cardButtons(t: Catalog, ticket: Ticket): ButtonRow {
  if (ticket.status === 'closed') return buttonRow(button(ids.button('reopen', ticket.id), t.buttons.reopen, ButtonStyle.Secondary));
  return buttonRow(
    button(ids.button('claim', ticket.id), t.buttons.claim, ButtonStyle.Primary, !!ticket.assigneeId),
    button(ids.button('resolve', ticket.id), t.buttons.resolve, ButtonStyle.Success, ticket.status === 'resolved'),
    button(ids.button('close', ticket.id), t.buttons.close, ButtonStyle.Danger),
  );
}

/** A row with the button that joins a ticket (under the log channel's notice of a new ticket). */
export function joinButton(t: Catalog, ticketId: number): ButtonRow {
  return buttonRow(button(ids.button('join', ticketId), t.buttons.join, ButtonStyle.Primary));
}

export function linkButton(label: string, url: string): ButtonRow {
  return buttonRow({ type: ComponentType.Button, style: ButtonStyle.Link, label: truncate(label, 80), url });
}

export function threadUrl(guildId: string, threadId: string, messageId?: string): string {
  return `https://discord.com/channels/${guildId}/${threadId}${messageId ? `/${messageId}` : ''}`;
}
