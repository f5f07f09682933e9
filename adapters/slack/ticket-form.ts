import { randomBytes } from 'node:crypto';
import {
  cleanFileName,
  categoriesOn,
  findCategory,
  type DeskConfig,
  type FieldProblem,
  type HelpArticle,
  type OpenedTicket,
  type Refusal,
  type Ticket,
  type TicketForm,
  type TicketSpaces,
} from '../../src/core/index.js';
import { formatWhen, type Catalog } from '../../src/i18n/index.js';
import { referenceId } from '../../src/logger.js';
import { ACTIONS, asJson, requesterCard, staffCard, suggestionsView, ticketFormView, type FormMetadata } from './blocks.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { cardText, type SlackDesk, type SlackFile } from './slack-desk.js';

type StateValues = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; files?: SlackFile[] }>>;

/** The parts of a view Bolt hands to listeners that the form reads. */
export interface SubmittedView {
  id: string;
  hash?: string;
  private_metadata: string;
  state: { values: StateValues };
}

function metadataOf(view: SubmittedView): FormMetadata {
  try {
    const parsed = JSON.parse(view.private_metadata) as Partial<FormMetadata>;
    return { n: typeof parsed.n === 'string' ? parsed.n.slice(0, 40) : randomBytes(6).toString('hex'), c: typeof parsed.c === 'string' ? parsed.c.slice(0, 40) : null };
  } catch {
    return { n: randomBytes(6).toString('hex'), c: null };
  }
}

/**
 * The Slack ticket form: `/ticket` opens it (views.open right after the ack), choosing a category redraws it
 * with that category's questions, and submitting it either comes back with errors next to the fields
 * (`response_action: errors`, nothing created) or opens the ticket: staff card, requester card, files, status.
 */
/** A form held back while its requester reads suggested articles. */
interface HeldForm {
  read: ReturnType<SlackTicketForm['read']>;
  teamId: string;
  userId: string;
  expiresAt: number;
}

const HELD_FORM_TTL_MS = 15 * 60_000;

export class SlackTicketForm {
  private readonly held = new Map<string, HeldForm>();

  constructor(private readonly sd: SlackDesk) {}

  /** Keeps an accepted form aside while the requester reads the suggested articles; returns its key. */
  hold(read: ReturnType<SlackTicketForm['read']>, teamId: string, userId: string): string {
    const now = Date.now();
    for (const [key, form] of this.held) if (form.expiresAt < now) this.held.delete(key);
    const key = randomBytes(8).toString('hex');
    this.held.set(key, { read, teamId, userId, expiresAt: now + HELD_FORM_TTL_MS });
    return key;
  }

  /** The form held under `key` for this user, taken out (once). */
  release(key: string, userId: string): HeldForm | null {
    const form = this.held.get(key);
    if (!form || form.userId !== userId || form.expiresAt < Date.now()) return null;
    this.held.delete(key);
    return form;
  }

  suggestionsView(t: Catalog, articles: readonly HelpArticle[], key: string) {
    return suggestionsView(t, articles, key);
  }

  async open(triggerId: string, teamId: string, userId: string, categoryHint: string | null): Promise<void> {
    const desk = this.sd.deskForTeam(teamId);
    const offered = categoriesOn(desk, 'slack');
    const hinted = categoryHint ? offered.find((c) => c.key === categoryHint.toLowerCase() || c.label.toLowerCase() === categoryHint.toLowerCase()) : undefined;
    const category = hinted ?? (offered.length === 1 ? offered[0]! : null);
    const t = await this.sd.words(userId, desk);
    await this.sd.client.views.open({ trigger_id: triggerId, view: asJson(ticketFormView(t, desk, category, { n: randomBytes(6).toString('hex'), c: category?.key ?? null })) });
  }

  /** The category select changed: the same form, with that category's questions. */
  async categoryPicked(view: SubmittedView, teamId: string, userId: string, categoryKey: string): Promise<void> {
    const desk = this.sd.deskForTeam(teamId);
    const category = findCategory(desk, categoryKey);
    if (!category?.slack) return;
    const t = await this.sd.words(userId, desk);
    const metadata = { ...metadataOf(view), c: category.key };
    await this.sd.client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: asJson(ticketFormView(t, desk, category, metadata)) });
  }

  /** Reads the submitted form. A value of the wrong type (a tampered payload) reads as empty, never as a crash. */
  read(view: SubmittedView): { form: TicketForm; files: SlackFile[]; sourceKey: string } {
    const values = view.state.values;
    const metadata = metadataOf(view);
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    const categoryKey = text(values.category?.[ACTIONS.category]?.selected_option?.value) || (typeof metadata.c === 'string' ? metadata.c : null);
    const answers: Record<string, string> = {};
    for (const [blockId, block] of Object.entries(values)) {
      if (blockId.startsWith('q_')) answers[blockId.slice(2)] = text(block.answer?.value);
    }
    const listed: unknown = values.files?.files?.files;
    const files = (Array.isArray(listed) ? listed : []).filter((f): f is SlackFile => typeof f === 'object' && f !== null && typeof (f as SlackFile).id === 'string');
    return {
      form: {
        categoryKey,
        subject: text(values.subject?.subject?.value),
        description: text(values.description?.description?.value),
        answers,
        attachments: files.map((f) => ({
          name: cleanFileName(text(f.name) || text(f.title) || f.id),
          contentType: text(f.mimetype) || 'application/octet-stream',
          size: typeof f.size === 'number' ? f.size : 0,
        })),
      },
      files,
      sourceKey: `slack:view:${view.id}`,
    };
  }

  /** A refusal as errors next to the modal's fields (Slack shows them under each input). */
  errorsFor(refusal: Refusal, t: Catalog, view: SubmittedView, desk: DeskConfig): Record<string, string> {
    const blocks = new Set(Object.keys(view.state.values));
    const general = blocks.has('category') && refusal.code === 'unknown_category' ? 'category' : 'subject';
    if (refusal.code !== 'invalid_form') return { [general]: t.refusal(refusal) };
    const errors: Record<string, string> = {};
    for (const problem of refusal.problems) {
      const block = blockOf(problem.field);
      const target = blocks.has(block) ? block : general;
      const message = t.fieldProblem(problem, t.field(problem.field, questionLabel(desk, problem.field)));
      errors[target] = errors[target] ? `${errors[target]} ${message}` : message;
    }
    return errors;
  }

  /**
   * Opens the ticket once the form was accepted: files stored, ticket numbered, the staff card in the
   * category's staff channel and the requester's card in their DM, both with the status reaction.
   * If Slack refuses a step, the ticket is closed as not set up and the requester is told, with a reference.
   */
  async submit(teamId: string, userId: string, read: ReturnType<SlackTicketForm['read']>): Promise<OpenedTicket | null> {
    return this.setUpOpened(await this.store(teamId, userId, read), userId);
  }

  /** The first half of {@link submit}: the files stored and the ticket opened (or the one this form opened before). */
  async store(teamId: string, userId: string, read: ReturnType<SlackTicketForm['read']>): Promise<OpenedTicket> {
    const desk = this.sd.deskForTeam(teamId);
    const requester = await this.sd.actor(userId);
    const files = await this.sd.storeFiles(read.files, { maxBytes: desk.limits.maxAttachmentBytes, refuseTooLarge: true, checkContent: desk.limits });
    return this.sd.service.openTicket({ platform: 'slack', workspaceId: teamId, requester, form: read.form, files, sourceKey: read.sourceKey });
  }

  /** The second half of {@link submit}: the spaces of a ticket just opened. */
  async setUpOpened(opened: OpenedTicket, userId: string): Promise<OpenedTicket | null> {
    if (!opened.created) return opened;
    const { desk } = opened;
    try {
      // Under the ticket's queue: a message written in a new thread waits until the opening is recorded.
      return { ...opened, ticket: await this.sd.queue.run(`ticket:${opened.ticket.id}`, () => this.setUp(opened)) };
    } catch (error) {
      const ref = referenceId();
      this.sd.log.error({ err: error, ref, ticketId: opened.ticket.id, code: (error as { data?: { error?: string } }).data?.error }, 'could not set up a Slack ticket');
      await this.sd.service.systemClose(opened.ticket.id, 'The ticket could not be posted in Slack');
      const t = await this.sd.words(userId, desk);
      const dm = await this.sd.dmChannel(userId).catch(() => null);
      if (dm) await this.sd.post(dm, null, t.openFailed(ref)).catch(() => undefined);
      return null;
    }
  }

  /**
   * Sets a ticket's spaces up: the staff card, the requester's card, the form's files, the status; then records
   * them, with the opening complete, in one write (each write waits its turn on sqlite's one writer, and three of
   * them between Slack calls made an opening wait three times). An opening interrupted by a crash is finished by
   * {@link reconcile}: a card or the files posted before the crash are found again and adopted. When a step
   * fails, what was set up is recorded before the failure goes on to the caller.
   */
  private async setUp(opened: Pick<OpenedTicket, 'ticket' | 'openingMessage' | 'desk' | 'category' | 'answerExpectedAt'>, resuming = false) {
    const { openingMessage, desk, category } = opened;
    let ticket = opened.ticket;
    const label = this.sd.label(ticket);
    const staffChannel = ticket.channelId ?? category.slack!.channelId;
    let uploadFiles = openingMessage.attachments.length > 0;
    const spaces: Partial<TicketSpaces> = {};
    let opening: { messageId: number; channelId: string; platformMessageId: string } | undefined;
    const made = (found: Partial<TicketSpaces>) => {
      Object.assign(spaces, found);
      ticket = { ...ticket, ...found };
      this.sd.index(ticket.id, ticket);
    };
    try {
      if (!ticket.threadId) {
        const adopted = resuming ? await this.ownCard(staffChannel, ticket) : null;
        const staffTs = adopted ?? (await this.sd.post(staffChannel, null, cardText(label, ticket), { blocks: staffCard(this.sd.deskWords(desk), desk, ticket, label) }));
        made({ channelId: staffChannel, threadId: staffTs, cardMessageId: staffTs });
        opening = { messageId: openingMessage.id, channelId: staffChannel, platformMessageId: staffTs };
        if (adopted) uploadFiles &&= !(await this.hasOwnFiles(staffChannel, staffTs));
      } else {
        this.sd.index(ticket.id, ticket);
        if (resuming) uploadFiles &&= !(await this.hasOwnFiles(ticket.channelId!, ticket.threadId));
      }
      if (!ticket.requesterThreadId) {
        const dmChannel = await this.sd.dmChannel(ticket.requesterId);
        const adopted = resuming ? await this.ownCard(dmChannel, ticket) : null;
        const dmTs = adopted ?? (await this.sd.post(dmChannel, null, cardText(label, ticket), { blocks: requesterCard(this.sd.requesterWords(ticket), desk, ticket, label) }));
        made({ requesterChannelId: dmChannel, requesterThreadId: dmTs });
      }
      if (uploadFiles) {
        await this.sd.uploadFiles(ticket.channelId!, ticket.threadId!, openingMessage.attachments, this.sd.deskWords(desk).slack.filesFrom(escapeMrkdwn(ticket.requesterName), openingMessage.attachments.length));
      }
      await this.sd.showStatus(ticket, null);
      if (opened.answerExpectedAt) {
        const zone = desk.hours?.timezone ?? 'UTC';
        const r = this.sd.requesterWords(ticket);
        await this.sd.notice(ticket, { requester: r.outsideHours(formatWhen(opened.answerExpectedAt, r.language, zone)) });
      }
    } catch (error) {
      if (Object.keys(spaces).length > 0) {
        await this.sd.service.attachSpaces(ticket.id, spaces, opening).catch((recordError: unknown) => this.sd.log.warn({ err: recordError, ticketId: ticket.id }, 'could not record the spaces of a failed opening'));
      }
      throw error;
    }
    const ready = await this.sd.service.spacesSetUp(ticket.id, spaces, opening);
    this.sd.log.info({ ticket: label, ticketId: ready.id, channel: staffChannel, resumed: resuming }, 'ticket opened');
    return ready;
  }

  /**
   * Finishes the openings a stopped process left half done, and tells the requester their ticket is ready;
   * one that cannot be set up is closed, and the requester told why. Returns how many were found.
   */
  async reconcile(graceMs: number): Promise<number> {
    const stuck = await this.sd.service.incompleteOpenings('slack', graceMs);
    for (const found of stuck) {
      await this.sd.queue.run(`ticket:${found.id}`, async () => {
        const ticket = await this.sd.service.ticketById(found.id);
        if (ticket.status === 'closed' || ticket.spacesReadyAt) return;
        const desk = this.sd.deskOf(ticket);
        const r = this.sd.requesterWords(ticket);
        try {
          const category = desk.categories.find((c) => c.key === ticket.categoryKey);
          if (!category?.slack) throw new Error(`category ${ticket.categoryKey} has no Slack staff channel`);
          const record = await this.sd.service.systemRecord(ticket.id, false);
          const ready = await this.setUp({ ticket, openingMessage: record.messages[0]!, desk, category, answerExpectedAt: null }, true);
          await this.sd.post(ready.requesterChannelId!, ready.requesterThreadId!, escapeMrkdwn(r.ticketReady(this.sd.label(ready))));
        } catch (error) {
          const ref = referenceId();
          this.sd.log.error({ err: error, ref, ticketId: ticket.id, code: (error as { data?: { error?: string } }).data?.error }, 'could not finish a ticket opening left half done');
          await this.sd.service.systemClose(ticket.id, 'The ticket could not be posted in Slack');
          const dm = await this.sd.dmChannel(ticket.requesterId).catch(() => null);
          if (dm) await this.sd.post(dm, null, r.openFailed(ref)).catch(() => undefined);
        }
      });
    }
    return stuck.length;
  }

  /** A card of this ticket the bot posted in a channel but did not get to record (its buttons carry the ticket id). */
  private async ownCard(channel: string, ticket: Ticket): Promise<string | null> {
    const history = await this.sd.client.conversations.history({ channel, limit: 200 });
    const card = (history.messages ?? []).find(
      (m) => m.bot_id === this.sd.botId && JSON.stringify(m.blocks ?? []).includes(`"value":"${ticket.id}"`) && String(m.text ?? '').startsWith(this.sd.label(ticket)),
    );
    return card?.ts ?? null;
  }

  /** Whether the bot already shared files in a thread (the form's files, before a crash). */
  private async hasOwnFiles(channel: string, threadTs: string): Promise<boolean> {
    const replies = await this.sd.client.conversations.replies({ channel, ts: threadTs, limit: 200 });
    return (replies.messages ?? []).some((m) => m.ts !== threadTs && m.bot_id === this.sd.botId && (m.files?.length ?? 0) > 0);
  }
}

function blockOf(field: FieldProblem['field']): string {
  if (field.startsWith('answer:')) return `q_${field.slice('answer:'.length)}`;
  return field === 'attachments' ? 'files' : field;
}

function questionLabel(desk: DeskConfig, field: FieldProblem['field']): string | undefined {
  if (!field.startsWith('answer:')) return undefined;
  const key = field.slice('answer:'.length);
  return desk.categories.flatMap((c) => c.questions).find((q) => q.key === key)?.label;
}
