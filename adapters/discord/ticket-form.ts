import { randomBytes } from 'node:crypto';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ComponentType,
  MessageFlags,
  StringSelectMenuBuilder,
  TextInputStyle,
  time,
  TimestampStyles,
  parseEmoji,
  type APILabelComponent,
  type APIModalInteractionResponseCallbackData,
  type Attachment,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type GuildTextBasedChannel,
  type ModalSubmitInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import { categoriesOn, findCategory, refuse, suggestArticles, cleanFileName, type CategoryConfig, type CleanTicketForm, type DeskConfig, type OpenTicketRequest, type TicketForm } from '../../src/core/index.js';
import type { Catalog } from '../../src/i18n/index.js';
import { guessContentType } from '../../src/util/content-type.js';
import type { DiscordDesk } from './discord-desk.js';
import { ids, linkButton, truncate } from './render.js';
import { TimelyAnswer } from './timely-answer.js';

/** Discord modals hold five top-level fields. */
const MODAL_FIELDS = 5;

function deskFor(dd: DiscordDesk, guildId: string | null): DeskConfig {
  return dd.deskForGuild(guildId) ?? refuse({ code: 'desk_not_configured', workspaceId: guildId ?? 'DM' });
}

/** The category a user named, by key or label, among those offered on Discord. */
function categoryNamed(desk: DeskConfig, text: string): CategoryConfig | null {
  const wanted = text.trim().toLowerCase();
  return categoriesOn(desk, 'discord').find((c) => c.key === wanted || c.label.toLowerCase() === wanted) ?? null;
}

/**
 * The ticket form. With a category, its questions are asked; without one, a category select comes first in
 * the modal (when no category has questions) or as a menu before it (when some do, as a modal's fields
 * cannot change after it opens). Written as Discord's JSON, as the card is (see render.ts): every `/ticket`
 * sends one.
 */
export function ticketModal(t: Catalog, desk: DeskConfig, category: CategoryConfig | null): APIModalInteractionResponseCallbackData {
  const limits = desk.limits;
  const labels: APILabelComponent[] = [];
  const label = (text: string, component: APILabelComponent['component'], description?: string): APILabelComponent => ({
    type: ComponentType.Label,
    label: truncate(text, 45),
    ...(description ? { description: truncate(description, 100) } : {}),
    component,
  });
  if (!category) {
    labels.push(
      label(t.form.category, {
        type: ComponentType.StringSelect,
        custom_id: 'category',
        placeholder: truncate(t.form.categoryPlaceholder, 150),
        required: true,
        options: categoryOptions(desk).map(({ emoji, ...option }) => {
          const parsed = emoji ? parseEmoji(emoji) : null;
          return parsed ? { ...option, emoji: { name: parsed.name ?? undefined, ...(parsed.id ? { id: parsed.id } : {}), animated: parsed.animated ?? false } } : option;
        }),
      }),
    );
  }
  labels.push(
    label(t.form.subject, {
      type: ComponentType.TextInput,
      custom_id: 'subject',
      style: TextInputStyle.Short,
      placeholder: truncate(t.form.subjectPlaceholder, 100),
      min_length: Math.min(limits.subjectMinLength, limits.subjectMaxLength),
      max_length: limits.subjectMaxLength,
      required: true,
    }),
    label(t.form.description, {
      type: ComponentType.TextInput,
      custom_id: 'description',
      style: TextInputStyle.Paragraph,
      placeholder: truncate(t.form.descriptionPlaceholder, 100),
      min_length: Math.min(limits.descriptionMinLength, limits.descriptionMaxLength),
      max_length: limits.descriptionMaxLength,
      required: true,
    }),
  );
  for (const question of category?.questions ?? []) {
    labels.push(
      label(question.label, {
        type: ComponentType.TextInput,
        custom_id: `q:${question.key}`,
        style: question.long ? TextInputStyle.Paragraph : TextInputStyle.Short,
        max_length: Math.min(question.maxLength ?? limits.answerMaxLength, limits.answerMaxLength),
        required: question.required,
        ...(question.placeholder ? { placeholder: truncate(question.placeholder, 100) } : {}),
      }),
    );
  }
  if (limits.maxAttachments > 0 && labels.length < MODAL_FIELDS) {
    labels.push(
      label(t.form.files, { type: ComponentType.FileUpload, custom_id: 'files', min_values: 0, max_values: limits.maxAttachments, required: false }, t.form.filesHelp(limits.maxAttachments, limits.maxAttachmentBytes)),
    );
  }
  return {
    custom_id: ids.form(category?.key ?? null, randomBytes(6).toString('hex')),
    title: truncate(category ? t.form.titleFor(category.label) : t.form.title, 45),
    components: labels.slice(0, MODAL_FIELDS),
  };
}

/** `/ticket [category]`: answers with the form (Discord wants it within 3 seconds, so nothing slow happens first). */
export async function onTicketCommand(dd: DiscordDesk, interaction: ChatInputCommandInteraction): Promise<void> {
  const desk = deskFor(dd, interaction.guildId);
  const t = dd.words(interaction.locale, desk);
  const named = interaction.options.getString('category');
  const offered = categoriesOn(desk, 'discord');
  let category = named ? categoryNamed(desk, named) : offered.length === 1 ? offered[0]! : null;
  if (named && !category) refuse({ code: 'unknown_category', categoryKey: named.slice(0, 40) });
  if (!category && offered.some((c) => c.questions.length > 0)) {
    await interaction.reply({
      content: t.form.chooseCategory,
      components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(categoryPicker(t, desk))],
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  category ??= null;
  await interaction.showModal(ticketModal(t, desk, category));
}

function categoryPicker(t: Catalog, desk: DeskConfig): StringSelectMenuBuilder {
  return new StringSelectMenuBuilder().setCustomId(ids.categoryPicker).setPlaceholder(t.form.categoryPlaceholder).addOptions(categoryOptions(desk));
}

/** The categories offered on Discord, as select options (a select holds 25). */
function categoryOptions(desk: DeskConfig) {
  return categoriesOn(desk, 'discord')
    .slice(0, 25)
    .map((c) => ({
      label: truncate(c.label, 100),
      value: c.key,
      ...(c.description ? { description: truncate(c.description, 100) } : {}),
      ...(c.emoji ? { emoji: c.emoji } : {}),
    }));
}

/** The category picked from the menu: opens its form. */
export async function onCategoryPicked(dd: DiscordDesk, interaction: StringSelectMenuInteraction): Promise<void> {
  const desk = deskFor(dd, interaction.guildId);
  const key = interaction.values[0] ?? '';
  const category = findCategory(desk, key);
  if (!category?.discord) refuse({ code: 'unknown_category', categoryKey: key.slice(0, 40) });
  await interaction.showModal(ticketModal(dd.words(interaction.locale, desk), desk, category));
}

export async function onCategoryAutocomplete(dd: DiscordDesk, interaction: AutocompleteInteraction): Promise<void> {
  const desk = dd.deskForGuild(interaction.guildId);
  const typed = interaction.options.getFocused().toLowerCase();
  const choices = desk
    ? categoriesOn(desk, 'discord')
        .filter((c) => !typed || c.key.includes(typed) || c.label.toLowerCase().includes(typed))
        .slice(0, 25)
        .map((c) => ({ name: truncate(`${c.emoji ? `${c.emoji} ` : ''}${c.label}`, 100), value: c.key }))
    : [];
  await interaction.respond(choices);
}

/** A form held back while the requester reads suggested help articles. */
export interface PendingForm {
  request: OpenTicketRequest & { sourceKey: string };
  uploaded: Attachment[];
  userId: string;
  expiresAt: number;
}

const PENDING_FORM_TTL_MS = 15 * 60_000;

/**
 * The form submitted: check everything, suggest help-centre articles when some match (the requester can still
 * open the ticket), then store the files, open the ticket and its space. A refusal is an ephemeral message
 * saying what to fix, and nothing is created. A form submitted twice opens one ticket.
 */
export async function onTicketForm(dd: DiscordDesk, interaction: ModalSubmitInteraction): Promise<void> {
  const [, categoryFromId, nonce] = interaction.customId.split(':');
  const desk = deskFor(dd, interaction.guildId);
  const t = dd.words(interaction.locale, desk);
  const categoryKey = categoryFromId || readSelect(interaction, 'category');
  const category = categoryKey ? findCategory(desk, categoryKey) : null;
  const answers: Record<string, string> = {};
  for (const question of category?.questions ?? []) answers[question.key] = readText(interaction, `q:${question.key}`);
  const uploaded = readFiles(interaction);
  const form: TicketForm = {
    categoryKey,
    subject: readText(interaction, 'subject'),
    description: readText(interaction, 'description'),
    answers,
    attachments: uploaded.map((f) => ({ name: cleanFileName(f.name), contentType: f.contentType ?? guessContentType(f.name), size: f.size })),
  };
  const request = {
    platform: 'discord' as const,
    workspaceId: interaction.guildId!,
    requester: dd.actor(interaction.user, interaction.member, interaction.locale),
    form,
    sourceKey: `discord:form:${nonce}`,
  };
  // Answered in one call when the opening is quick, deferred if it is not done within the time Discord gives.
  const answer = new TimelyAnswer(interaction);
  // The form's own checks read nothing. The requester's limits, and a form sent twice, are read once before
  // files are downloaded or articles suggested (precheckOpen); otherwise openTicket's transaction checks them.
  let clean = dd.service.checkForm(request);
  const articles = suggestArticles(desk, clean.category.key, clean.subject, clean.description);
  if (uploaded.length > 0 || articles.length > 0) {
    const { opened: already, form } = await dd.service.precheckOpen(request);
    if (already) {
      await answer.send({ content: t.alreadyOpened(dd.label(already)), components: [linkButton(t.openTicketButton, dd.ticketUrl(already))] });
      return;
    }
    clean = form;
  }
  if (articles.length > 0) {
    const key = nonce ?? randomBytes(6).toString('hex');
    dd.pendingForms.set(key, { request, uploaded, userId: interaction.user.id, expiresAt: Date.now() + PENDING_FORM_TTL_MS });
    for (const [k, pending] of dd.pendingForms) if (pending.expiresAt < Date.now()) dd.pendingForms.delete(k);
    const links = new ActionRowBuilder<ButtonBuilder>().addComponents(articles.map((a) => new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel(truncate(a.title, 80)).setURL(a.url)));
    const choices = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(ids.confirmOpen(key)).setLabel(t.suggestions.openAnyway).setStyle(ButtonStyle.Primary),
      new ButtonBuilder().setCustomId(ids.dropOpen(key)).setLabel(t.suggestions.solved).setStyle(ButtonStyle.Secondary),
    );
    await answer.send({ content: t.suggestions.intro, components: [links, choices] });
    return;
  }
  await openFromForm(dd, interaction, answer, request, uploaded, clean);
}

/** "Open my ticket anyway" under the suggested articles. */
export async function onOpenConfirmed(dd: DiscordDesk, interaction: ButtonInteraction): Promise<void> {
  const key = interaction.customId.split(':')[1] ?? '';
  const pending = dd.pendingForms.get(key);
  const t = dd.words(interaction.locale, dd.deskForGuild(interaction.guildId));
  if (!pending || pending.userId !== interaction.user.id || pending.expiresAt < Date.now()) {
    await interaction.update({ content: t.suggestions.expired, components: [] });
    return;
  }
  dd.pendingForms.delete(key);
  await openFromForm(dd, interaction, new TimelyAnswer(interaction), pending.request, pending.uploaded);
}

/** "This answered my question": nothing is opened. */
export async function onOpenDropped(dd: DiscordDesk, interaction: ButtonInteraction): Promise<void> {
  const key = interaction.customId.split(':')[1] ?? '';
  if (dd.pendingForms.get(key)?.userId === interaction.user.id) dd.pendingForms.delete(key);
  await interaction.update({ content: dd.words(interaction.locale, dd.deskForGuild(interaction.guildId)).suggestions.dropped, components: [] });
}

/** Opens the ticket of an accepted form: files stored, ticket numbered, its thread set up, the requester told. */
async function openFromForm(
  dd: DiscordDesk,
  interaction: ModalSubmitInteraction | ButtonInteraction,
  answer: TimelyAnswer,
  request: PendingForm['request'],
  uploaded: Attachment[],
  checked?: CleanTicketForm,
): Promise<void> {
  const desk = deskFor(dd, interaction.guildId);
  const t = dd.words(interaction.locale, desk);
  // A form checked a moment ago is not checked twice; openTicket checks it again, in its transaction, anyway.
  const clean = checked ?? (await dd.service.checkOpen(request));
  const channel = dd.client.channels.cache.get(clean.category.discord!.channelId) as GuildTextBasedChannel | undefined;
  if (!channel) {
    throw new Error(`the channel ${clean.category.discord!.channelId} of category ${clean.category.key} is not visible to the bot`);
  }
  dd.checkPermissions(channel, ['ViewChannel', 'CreatePrivateThreads', 'SendMessagesInThreads', 'ManageThreads', 'EmbedLinks', 'AttachFiles', 'AddReactions', 'ReadMessageHistory']);
  const files = await dd.storeFiles(uploaded, { maxBytes: desk.limits.maxAttachmentBytes, refuseTooLarge: true, checkContent: desk.limits });
  const opened = await dd.service.openTicket({ ...request, files });
  if (!opened.created) {
    await answer.send({ content: t.alreadyOpened(dd.label(opened.ticket)), components: [linkButton(t.openTicketButton, dd.ticketUrl(opened.ticket))] });
    return;
  }
  let ticket;
  try {
    // Under the ticket's queue: a message in the new thread waits until the opening is recorded.
    ticket = await dd.queue.run(`ticket:${opened.ticket.id}`, () => dd.openSpace(opened, channel));
  } catch (error) {
    await dd.service.systemClose(opened.ticket.id, 'The ticket thread could not be created');
    throw error;
  }
  dd.log.info({ ticket: dd.label(ticket), ticketId: ticket.id, threadId: ticket.threadId }, 'ticket opened');
  const when = opened.answerExpectedAt ? time(opened.answerExpectedAt, TimestampStyles.LongDateTime) : null;
  await answer.send({
    content: [t.opened(dd.label(ticket)), when ? t.outsideHours(when) : ''].filter(Boolean).join('\n'),
    components: [linkButton(t.openTicketButton, dd.ticketUrl(ticket))],
  });
  if (when) await dd.postNotice(ticket, dd.deskWords(desk).outsideHours(when));
  await dd.announce(ticket);
}

function readText(interaction: ModalSubmitInteraction, customId: string): string {
  try {
    return interaction.fields.getTextInputValue(customId) ?? '';
  } catch {
    return '';
  }
}

function readSelect(interaction: ModalSubmitInteraction, customId: string): string | null {
  try {
    return interaction.fields.getStringSelectValues(customId)[0] ?? null;
  } catch {
    return null;
  }
}

function readFiles(interaction: ModalSubmitInteraction) {
  try {
    return [...(interaction.fields.getUploadedFiles('files')?.values() ?? [])];
  } catch {
    return [];
  }
}
