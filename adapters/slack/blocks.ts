import { categoriesOn, findCategory, type CategoryConfig, type DeskConfig, type HelpArticle, type Ticket, type TicketStatus } from '../../src/core/index.js';
import type { Catalog } from '../../src/i18n/index.js';
import { escapeMrkdwn, plainText, truncate } from './mrkdwn.js';

type Block = Record<string, unknown>;

/** Status reactions on both root messages, by Slack emoji name (no colons: Slack refuses them). */
export const STATUS_REACTION: Record<TicketStatus, string> = {
  open: 'large_green_circle',
  pending: 'hourglass_flowing_sand',
  resolved: 'white_check_mark',
  closed: 'lock',
};

/**
 * Blocks or a view as the JSON text the WebClient sends for them anyway (a form field holding JSON). Given the
 * object, @slack/web-api walks it twice more on the way out: a redacted copy for a debug line it builds
 * whether debug logging is on or not, then the encoding. Given the text, it sends it as it is: the same bytes.
 */
export function asJson(value: unknown): never {
  return JSON.stringify(value) as never;
}

/** Slack's own limits on the pieces of a view. */
const LIMITS = { modalTitle: 24, label: 2000, option: 75, input: 3000, header: 150, section: 3000, button: 75 };

export const FORM_CALLBACK = 'ticket_form';
export const CLOSE_CALLBACK = 'ticket_close_reason';
export const REOPEN_CALLBACK = 'ticket_reopen_reason';

export const ACTIONS = {
  category: 'ticket_category',
  claim: 'ticket_claim',
  resolve: 'ticket_resolve',
  close: 'ticket_close',
  reopen: 'ticket_reopen',
  rate: 'ticket_rate',
  transcript: 'ticket_transcript',
} as const;

export const RATING_CALLBACK = 'ticket_rating_comment';
export const SUGGESTIONS_CALLBACK = 'ticket_suggestions';

export interface FormMetadata {
  /** A nonce: the same view submitted twice opens one ticket. */
  n: string;
  /** The category chosen so far. */
  c: string | null;
}

function option(category: CategoryConfig) {
  return {
    text: plainText(`${category.emoji ? `${category.emoji} ` : ''}${category.label}`, LIMITS.option),
    value: category.key,
    ...(category.description ? { description: plainText(category.description, LIMITS.option) } : {}),
  };
}

/**
 * The ticket form. Picking a category (a select that dispatches its action) redraws the form with that
 * category's questions, keeping what was typed.
 */
export function ticketFormView(t: Catalog, desk: DeskConfig, category: CategoryConfig | null, metadata: FormMetadata): Block {
  const limits = desk.limits;
  const categories = categoriesOn(desk, 'slack');
  const blocks: Block[] = [];
  if (categories.length > 1 || !category) {
    blocks.push({
      type: 'input',
      block_id: 'category',
      dispatch_action: true,
      label: plainText(t.form.category, LIMITS.label),
      element: {
        type: 'static_select',
        action_id: ACTIONS.category,
        placeholder: plainText(t.form.categoryPlaceholder, 150),
        options: categories.slice(0, 100).map(option),
        ...(category ? { initial_option: option(category) } : {}),
      },
    });
  }
  blocks.push(
    {
      type: 'input',
      block_id: 'subject',
      label: plainText(t.form.subject, LIMITS.label),
      element: {
        type: 'plain_text_input',
        action_id: 'subject',
        placeholder: plainText(t.form.subjectPlaceholder, 150),
        max_length: Math.min(limits.subjectMaxLength, LIMITS.input),
      },
    },
    {
      type: 'input',
      block_id: 'description',
      label: plainText(t.form.description, LIMITS.label),
      element: {
        type: 'plain_text_input',
        action_id: 'description',
        multiline: true,
        placeholder: plainText(t.form.descriptionPlaceholder, 150),
        max_length: Math.min(limits.descriptionMaxLength, LIMITS.input),
      },
    },
  );
  for (const question of category?.questions ?? []) {
    blocks.push({
      type: 'input',
      block_id: `q_${question.key}`,
      optional: !question.required,
      label: plainText(question.label, LIMITS.label),
      element: {
        type: 'plain_text_input',
        action_id: 'answer',
        multiline: question.long,
        max_length: Math.min(question.maxLength ?? limits.answerMaxLength, limits.answerMaxLength, LIMITS.input),
        ...(question.placeholder ? { placeholder: plainText(question.placeholder, 150) } : {}),
      },
    });
  }
  if (limits.maxAttachments > 0) {
    blocks.push({
      type: 'input',
      block_id: 'files',
      optional: true,
      label: plainText(t.form.files, LIMITS.label),
      hint: plainText(t.form.filesHelp(limits.maxAttachments, limits.maxAttachmentBytes), 2000),
      element: { type: 'file_input', action_id: 'files', max_files: Math.min(limits.maxAttachments, 10) },
    });
  }
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK,
    private_metadata: JSON.stringify(metadata),
    title: plainText(truncate(t.form.shortTitle, LIMITS.modalTitle), LIMITS.modalTitle),
    submit: plainText(t.form.submit, LIMITS.modalTitle),
    close: plainText(t.buttons.cancel, LIMITS.modalTitle),
    blocks,
  };
}

/** A one-field modal asking for a close or reopen reason. */
export function reasonView(callbackId: string, title: string, label: string, placeholder: string, required: boolean, ticketId: number, t: Catalog): Block {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: String(ticketId),
    title: plainText(truncate(title, LIMITS.modalTitle), LIMITS.modalTitle),
    submit: plainText(t.form.send, LIMITS.modalTitle),
    close: plainText(t.buttons.cancel, LIMITS.modalTitle),
    blocks: [
      {
        type: 'input',
        block_id: 'reason',
        optional: !required,
        label: plainText(label, LIMITS.label),
        element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: 500, placeholder: plainText(placeholder, 150) },
      },
    ],
  };
}

function categoryLabel(desk: DeskConfig, key: string): string {
  const category = findCategory(desk, key);
  return category ? `${category.emoji ? `${category.emoji} ` : ''}${category.label}` : key;
}

function button(text: string, actionId: string, ticketId: number, style?: 'primary' | 'danger') {
  return { type: 'button', action_id: actionId, value: String(ticketId), text: plainText(text, LIMITS.button), ...(style ? { style } : {}) };
}

function statusLine(t: Catalog, status: TicketStatus, forStaff: boolean): string {
  return `:${STATUS_REACTION[status]}: ${forStaff ? t.staffStatus(status) : t.status(status)}`;
}

/** The staff card: the root message of the ticket's thread in the category's staff channel. */
export function staffCard(t: Catalog, desk: DeskConfig, ticket: Ticket, label: string): Block[] {
  const fields = [
    `*${t.card.category}*\n${escapeMrkdwn(categoryLabel(desk, ticket.categoryKey))}`,
    `*${t.card.status}*\n${statusLine(t, ticket.status, true)}`,
    `*${t.card.priority}*\n${t.priority(ticket.priority)}`,
    `*${t.card.requester}*\n<@${ticket.requesterId}>`,
    `*${t.card.assignee}*\n${ticket.assigneeId ? `<@${ticket.assigneeId}>` : t.card.nobody}`,
    `*${t.card.opened}*\n<!date^${Math.floor(ticket.createdAt.getTime() / 1000)}^{date_short_pretty} {time}|${ticket.createdAt.toISOString()}>`,
  ].map((text) => ({ type: 'mrkdwn', text }));
  const blocks: Block[] = [
    { type: 'header', text: plainText(t.card.title(label, ticket.subject), LIMITS.header) },
    { type: 'section', fields },
    { type: 'section', text: plainText(truncate(ticket.description, LIMITS.section), LIMITS.section) },
  ];
  if (ticket.answers.length > 0) {
    blocks.push({
      type: 'section',
      fields: ticket.answers.slice(0, 10).map((a) => ({ type: 'mrkdwn', text: truncate(`*${escapeMrkdwn(a.label)}*\n${escapeMrkdwn(a.value)}`, 2000) })),
    });
  }
  const buttons = [
    ...(ticket.status === 'closed'
      ? [button(t.buttons.reopen, ACTIONS.reopen, ticket.id)]
      : [
          ...(ticket.assigneeId ? [] : [button(t.buttons.claim, ACTIONS.claim, ticket.id, 'primary')]),
          ...(ticket.status === 'resolved' ? [] : [button(t.buttons.resolve, ACTIONS.resolve, ticket.id)]),
          button(t.buttons.close, ACTIONS.close, ticket.id, 'danger'),
        ]),
    button(t.buttons.transcript, ACTIONS.transcript, ticket.id),
  ];
  blocks.push({ type: 'actions', block_id: 'ticket_actions', elements: buttons });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t.slack.staffHint(desk.slack?.notePrefix ?? 'note:')) }] });
  return blocks;
}

/** The requester's card: the root message of the ticket's thread in their DM with the bot. */
export function requesterCard(t: Catalog, desk: DeskConfig, ticket: Ticket, label: string): Block[] {
  return [
    { type: 'header', text: plainText(t.card.title(label, ticket.subject), LIMITS.header) },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*${t.card.category}*\n${escapeMrkdwn(categoryLabel(desk, ticket.categoryKey))}` },
        { type: 'mrkdwn', text: `*${t.card.status}*\n${statusLine(t, ticket.status, false)}` },
      ],
    },
    { type: 'section', text: plainText(truncate(ticket.description, LIMITS.section), LIMITS.section) },
    {
      type: 'actions',
      block_id: 'ticket_actions',
      elements: [
        ticket.status === 'closed' ? button(t.buttons.reopen, ACTIONS.reopen, ticket.id) : button(t.buttons.close, ACTIONS.close, ticket.id, 'danger'),
        button(t.buttons.transcript, ACTIONS.transcript, ticket.id),
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(ticket.status === 'closed' ? t.slack.requesterClosedHint : t.slack.requesterHint) }] },
  ];
}

/** The optional comment after a rating. */
export function ratingCommentView(t: Catalog, ticketId: number): Block {
  return {
    type: 'modal',
    callback_id: RATING_CALLBACK,
    private_metadata: String(ticketId),
    title: plainText(truncate(t.rating.commentTitle, LIMITS.modalTitle), LIMITS.modalTitle),
    submit: plainText(t.form.send, LIMITS.modalTitle),
    close: plainText(t.buttons.cancel, LIMITS.modalTitle),
    blocks: [
      {
        type: 'input',
        block_id: 'comment',
        optional: true,
        label: plainText(t.rating.comment, LIMITS.label),
        element: { type: 'plain_text_input', action_id: 'comment', multiline: true, max_length: 500, placeholder: plainText(t.rating.commentPlaceholder, 150) },
      },
    ],
  };
}

/** Help-centre articles shown before the ticket opens; submitting opens it anyway, closing drops it. */
export function suggestionsView(t: Catalog, articles: readonly HelpArticle[], key: string): Block {
  return {
    type: 'modal',
    callback_id: SUGGESTIONS_CALLBACK,
    private_metadata: key,
    title: plainText(truncate(t.form.shortTitle, LIMITS.modalTitle), LIMITS.modalTitle),
    submit: plainText(truncate(t.suggestions.openAnyway, LIMITS.modalTitle), LIMITS.modalTitle),
    close: plainText(truncate(t.suggestions.solvedShort, LIMITS.modalTitle), LIMITS.modalTitle),
    blocks: [
      { type: 'section', text: plainText(t.suggestions.intro, LIMITS.section) },
      ...articles.map((article, i) => ({
        type: 'section',
        block_id: `article_${i}`,
        text: { type: 'mrkdwn', text: `*${escapeMrkdwn(truncate(article.title, 150))}*` },
        accessory: { type: 'button', action_id: `article_link_${i}`, url: article.url, text: plainText(t.suggestions.read, LIMITS.button) },
      })),
    ],
  };
}
