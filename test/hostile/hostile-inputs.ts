import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIMessage } from 'discord.js';
import { expect, vi } from 'vitest';
import { answerOf, componentId, openTicket, PNG, sha256 } from '../discord/helpers.js';
import type { InteractionHandle, ModalSource, TestFile } from '../fakes/discord/index.js';
import type { AppResponse, FileSpec, RawRequestOptions } from '../fakes/slack/index.js';
import type { DiscordWorld } from '../helpers/discord-world.js';
import type { SlackWorld } from '../helpers/slack-world.js';
import { callsTo, openSlackTicket, waitFor } from '../slack/helpers.js';

type Json = Record<string, unknown>;

interface RowBase {
  /** `D01`…, `S01`… */
  id: string;
  /** What is sent, in one line. */
  input: string;
  /** What the user sees and what the bot does, in one line: the right behaviour. */
  expected: string;
  /** What happens instead, while the bot gets this row wrong (the runner then expects the row to fail). */
  knownBug?: string;
  timeoutMs?: number;
}

export interface DiscordRow extends RowBase {
  platform: 'discord';
  run(world: DiscordWorld): Promise<void>;
}

export interface SlackRow extends RowBase {
  platform: 'slack';
  run(world: SlackWorld): Promise<void>;
}

export type HostileRow = DiscordRow | SlackRow;

/** The desk limits both worlds run with: small, so the rows reach them with small inputs. */
export const HOSTILE_LIMITS = {
  maxOpenPerUser: 3,
  cooldownSeconds: 0,
  maxAttachments: 3,
  maxAttachmentBytes: 4096,
  allowedContentTypes: ['image/*', 'text/plain', 'application/pdf'],
};

const LIMIT_REFUSAL = /^You already have 3 open tickets \(CS-\d{4}, CS-\d{4}, CS-\d{4}\); the limit is 3\./;
const EVIL_LINK = '[login](https://evil.example)';
/** C0 controls (but tab and newline), DEL and the bidirectional overrides and isolates. */
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BIDI = /[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

/** An executable's first bytes (the `MZ` DOS header). */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.from([0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]), Buffer.from('This program cannot be run in DOS mode.')]);
const HTML_PAGE = '<html><body><script>alert(document.cookie)</script><a href="javascript:steal()">open</a></body></html>';

async function count(world: { database: DiscordWorld['database'] }, sql: string, ...params: unknown[]): Promise<number> {
  const rows = (await world.database.dataSource.query(sql, params)) as Array<{ n: number | string }>;
  return Number(rows[0]!.n);
}

const ticketCount = (world: DiscordWorld | SlackWorld) => count(world, 'SELECT COUNT(*) AS n FROM tickets');
const ratingCount = (world: DiscordWorld | SlackWorld, ticketId: number) => count(world, 'SELECT COUNT(*) AS n FROM ticket_ratings WHERE ticket_id = ?', ticketId);

async function storedFiles(world: DiscordWorld | SlackWorld, ticketId: number) {
  return (await world.database.dataSource.query('SELECT name, content_type, size, sha256, storage_key FROM attachments WHERE ticket_id = ? ORDER BY id', [ticketId])) as Array<{
    name: string;
    content_type: string;
    size: number;
    sha256: string;
    storage_key: string;
  }>;
}

/** Every file under the world's folder: the database and attachment bytes named by their SHA-256, nothing else. */
function expectOnlyHashNamedFiles(world: DiscordWorld | SlackWorld): void {
  const all = readdirSync(world.dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(world.dir.length + 1));
  const stray = all.filter((path) => !/^support\.sqlite(-journal|-wal|-shm)?$/.test(path) && !/^attachments\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(path));
  expect(stray).toEqual([]);
}

/** Log lines at `minLevel` (pino: 40 warn, 50 error) or above written since `mark` (an index into the world's log). */
function problemsLoggedSince(world: DiscordWorld | SlackWorld, mark: number, minLevel = 50) {
  return world.logs.lines.slice(mark).filter((l) => l.level >= minLevel).map((l) => `${l.msg} ${JSON.stringify(l.err ?? '').slice(0, 160)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Discord helpers
// ---------------------------------------------------------------------------------------------------------------

let discordMembers = 0;

/** A new member of the support server (so per-member limits from other rows do not interfere). */
function member(world: DiscordWorld, spec: { roles?: string[]; nick?: string } = {}): string {
  const n = ++discordMembers;
  const user = world.discord.createUser({ username: `member${n}`, globalName: `Member ${n}`, locale: 'en-US' });
  world.discord.addMember(world.seed.guildId, user.id, { roleIds: spec.roles ?? [], ...(spec.nick ? { nick: spec.nick } : {}) });
  return user.id;
}

const threadsCreated = (world: DiscordWorld) => world.discord.callsTo('POST', /\/channels\/\d+\/threads$/).length;

async function discordSnapshot(world: DiscordWorld) {
  return { tickets: await ticketCount(world), threads: threadsCreated(world), downloads: world.discord.downloads.length };
}

async function expectNothingOpened(world: DiscordWorld, before: { tickets: number; threads: number }): Promise<void> {
  await world.settle();
  expect(await ticketCount(world)).toBe(before.tickets);
  expect(threadsCreated(world)).toBe(before.threads);
}

/** What the user is shown, or null when the bot did not answer within Discord's 3 seconds ("The application did not respond"). */
async function answerInTime(handle: InteractionHandle): Promise<string | null> {
  try {
    await handle.response(3000);
  } catch {
    return null;
  }
  return answerOf(handle);
}

/** `/ticket` for a category; resolves with a copy of the form the bot answered with, free to tamper with. */
async function discordForm(world: DiscordWorld, user: string, category = 'billing'): Promise<ModalSource & { modal: Json }> {
  const command = world.discord.slashCommand({ channelId: world.seed.channels.general, user, name: 'ticket', options: { category } });
  await command.response();
  return { modal: structuredClone(command.modal) as Json, channelId: world.seed.channels.general };
}

type Label = { type: number; id?: number; component: Json };
const labelsOf = (modal: Json) => modal.components as Label[];

const VALID_FORM = { subject: 'A real problem', description: 'It does not work since this morning.' };

/** Sends the billing form (unchanged, or as `tamper` rewrote it) with valid fields under `values`. */
async function sendDiscordForm(
  world: DiscordWorld,
  user: string,
  values: Record<string, string | string[]>,
  options: { files?: TestFile[]; category?: string; tamper?: (modal: Json) => void; base?: boolean } = {},
) {
  const form = await discordForm(world, user, options.category);
  options.tamper?.(form.modal);
  const all = options.base === false ? values : { ...VALID_FORM, ...values };
  return world.discord.submitModal(form, user, all, options.files ? { files: options.files } : {});
}

/** Discord REST as the bot, for setting up what an earlier version of the bot left behind. */
async function discordRest(world: DiscordWorld, method: string, path: string, body: unknown): Promise<Json> {
  const response = await fetch(`${world.discord.apiUrl}/v10${path}`, {
    method,
    headers: { authorization: `Bot ${world.discord.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as Json;
}

/**
 * A message with buttons whose custom ids the bot never made (left by an older version, or rewritten by a
 * modified client). The fake Discord only dispatches clicks on buttons a message really has.
 */
async function plantButtons(world: DiscordWorld, channelId: string, customIds: string[]): Promise<APIMessage> {
  const components = [{ type: 1, components: customIds.map((custom_id, i) => ({ type: 2, style: 2, label: `Action ${i + 1}`, custom_id })) }];
  return (await discordRest(world, 'POST', `/channels/${channelId}/messages`, { content: 'Ticket actions', components })) as unknown as APIMessage;
}

async function dmChannel(world: DiscordWorld, user: string): Promise<string> {
  return world.discord.dmChannelOf(user) ?? String((await discordRest(world, 'POST', '/users/@me/channels', { recipient_id: user })).id);
}

/** Asserts that the messages ping nobody but the allowed users and roles, and never @everyone/@here. */
function expectNoPings(messages: APIMessage[], allowed: { users?: string[]; roles?: string[] } = {}): void {
  expect(messages.length).toBeGreaterThan(0);
  for (const m of messages) {
    expect(m.mention_everyone, `message ${m.id} pings @everyone/@here`).toBe(false);
    expect(m.mention_roles.filter((r) => !(allowed.roles ?? []).includes(r))).toEqual([]);
    expect(m.mentions.map((u) => u.id).filter((u) => !(allowed.users ?? []).includes(u))).toEqual([]);
  }
}

/** A masked link Discord would render: `[text](url)` whose `[` is not escaped. */
const LIVE_MASKED_LINK = /(^|[^\\])\[[^\]\n]*\]\((https?|javascript):/;

/** Everything a message shows: content, embed titles, descriptions and field values. */
const messageText = (m: APIMessage) => [m.content, ...m.embeds.flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).map((f) => f.value)])].join('\n');
/** The parts of a message where Discord renders markdown links and mentions (embed titles render neither). */
const markdownText = (m: APIMessage) => [m.content, ...m.embeds.flatMap((e) => [e.description ?? '', ...(e.fields ?? []).map((f) => f.value)])].join('\n');

/** Messages posted in a channel after `after` (a message id, or null for all). */
function messagesAfter(world: DiscordWorld, channelId: string, after: string | null): APIMessage[] {
  return world.discord.messagesIn(channelId).filter((m) => after === null || BigInt(m.id) > BigInt(after));
}
const lastMessageId = (world: DiscordWorld, channelId: string) => world.discord.messagesIn(channelId).at(-1)?.id ?? null;

/** Opens a ticket with the files and returns it with its stored attachments, after the re-upload in the thread. */
async function discordTicketWithFiles(world: DiscordWorld, files: TestFile[], subject: string) {
  const user = member(world);
  const opened = await openTicket(world, { user, subject, files });
  await world.settle();
  const reupload = world.discord.messagesIn(opened.threadId).find((m) => m.attachments.length > 0);
  return { ...opened, user, stored: await storedFiles(world, opened.ticket.id), shown: reupload?.attachments.map((a) => a.filename) ?? [] };
}

// ---------------------------------------------------------------------------------------------------------------
// Slack helpers
// ---------------------------------------------------------------------------------------------------------------

let slackMembers = 0;
let viewSequence = 0;
const freshViewId = () => `V0HOSTILE${String(++viewSequence).padStart(4, '0')}`;

/** A new member of the workspace, in #general (so per-member limits from other rows do not interfere). */
function slackMember(world: SlackWorld, displayName?: string): string {
  const n = ++slackMembers;
  const id = world.slack.addUser({ name: `member${n}`, realName: `Member ${n}`, displayName: displayName ?? `Member ${n}`, locale: 'en-US' });
  world.slack.addMember(world.ids.channels.general, id);
  return id;
}

interface FormPayload {
  team: { id: string };
  user: { id: string };
  view: {
    id: string;
    team_id?: string;
    callback_id: string;
    private_metadata: string;
    state: { values: Record<string, Record<string, Json>> };
  };
}

const SLACK_FORM = { subject: { subject: 'Something is wrong' }, description: { description: 'It fails every time I try.' }, q_steps: { answer: 'Open the app' } };

/** `/ticket technical` and the form sent through Slack's client; returns the app's acknowledgement. */
async function sendSlackForm(world: SlackWorld, user: string, values: Record<string, Record<string, unknown>>) {
  const command = await world.slack.slashCommand({ user, channel: world.ids.channels.general, command: '/ticket', text: 'technical' });
  await world.slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId);
  return world.slack.submitView({ user, values: { ...SLACK_FORM, ...values } });
}

/** A form the user really sent, refused for its two-letter subject: the signed payload to tamper with and send again. */
async function refusedForm(world: SlackWorld, user: string, files?: FileSpec[]): Promise<FormPayload> {
  const result = await sendSlackForm(world, user, { subject: { subject: 'ab' }, ...(files ? { files: { files } } : {}) });
  expect(result.ackBody).toMatchObject({ response_action: 'errors' });
  await world.slack.viewClosed({ user });
  const delivery = [...world.slack.deliveries].reverse().find((d) => d.kind === 'interaction' && (d.body.view as Json | undefined)?.id === result.viewId)!;
  const payload = structuredClone(delivery.body) as unknown as FormPayload;
  payload.view.id = freshViewId();
  payload.view.state.values.subject!.subject!.value = 'Something is wrong';
  return payload;
}

const formFiles = (payload: FormPayload) => (payload.view.state.values.files!.files!.files as Json[]);

/** Sends an interaction payload as Slack would (signed, unless `options` forge it); the ack parsed. */
async function sendInteraction(world: SlackWorld, payload: unknown, options: Partial<RawRequestOptions> = {}): Promise<AppResponse & { ack: Json | undefined }> {
  const response = await world.slack.sendRaw({ body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), ...options });
  let ack: Json | undefined;
  try {
    ack = response.rawBody ? (JSON.parse(response.rawBody) as Json) : undefined;
  } catch {
    ack = { text: response.rawBody };
  }
  return { ...response, ack };
}

/** A view submission of another kind (a reason modal), built on a form payload the user really sent. */
async function viewSubmission(world: SlackWorld, user: string, view: { callback_id: string; private_metadata: string; values: Record<string, Record<string, Json>> }) {
  const payload = await refusedForm(world, user);
  payload.view.callback_id = view.callback_id;
  payload.view.private_metadata = view.private_metadata;
  payload.view.state.values = view.values;
  return payload;
}

const reasonValues = (reason: string) => ({ reason: { reason: { type: 'plain_text_input', value: reason } } });

interface ActionPayload {
  user: { id: string };
  response_url: string;
  actions: Array<Json & { action_id: string; value?: string }>;
}

/**
 * A button press the user really made (Transcript, on a card they can see), to tamper with and send again
 * signed: its `response_url` stays valid, so what the bot answers there can be read.
 */
async function pressedButton(world: SlackWorld, user: string, where: { channel: string; ts: string }): Promise<ActionPayload> {
  await world.slack.blockAction({ user, actionId: 'ticket_transcript', channel: where.channel, message: where.ts });
  await world.settle();
  const delivery = [...world.slack.deliveries].reverse().find((d) => d.kind === 'interaction' && d.body.type === 'block_actions')!;
  return structuredClone(delivery.body) as unknown as ActionPayload;
}

async function pressTampered(world: SlackWorld, press: ActionPayload, actionId: string, value: string): Promise<string[]> {
  const payload = structuredClone(press);
  payload.actions[0]!.action_id = actionId;
  payload.actions[0]!.value = value;
  const already = world.slack.responseUrlMessages(press.response_url).length;
  const response = await sendInteraction(world, payload);
  expect(response.status).toBe(200);
  await world.settle();
  return world.slack.responseUrlMessages(press.response_url).slice(already).map((m) => String(m.text));
}

let eventSequence = 0;
/** A message event in a thread, as Slack would send it (a ts the fake never issued, so it is new). */
function threadMessage(world: SlackWorld, user: string, where: { channel: string; ts: string }, text: string): Json {
  const ts = `${Math.floor(Date.now() / 1000)}.${String(900_000 + ++eventSequence).padStart(6, '0')}`;
  return { type: 'message', channel: where.channel, channel_type: where.channel.startsWith('D') ? 'im' : 'group', user, text, ts, thread_ts: where.ts, team: world.slack.teamId, event_ts: ts };
}

const staffCopies = (world: SlackWorld, staff: { channel: string; ts: string }, text: string) =>
  world.slack.messagesIn(staff.channel, { thread_ts: staff.ts }).filter((m) => m.text === text);

async function storedBodies(world: SlackWorld, ticketId: number): Promise<string[]> {
  return (await world.service.record(ticketId, { id: world.ids.users.max, name: 'Max' })).messages.map((m) => m.body);
}

/** The mrkdwn texts of a message's blocks (what Slack parses for links, mentions and broadcasts). */
function mrkdwnOf(blocks: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Json;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

/** Opens a Slack ticket whose form files are given as the payload would carry them. */
async function slackTicketFromPayload(world: SlackWorld, user: string, payload: FormPayload, subject: string) {
  payload.view.state.values.subject!.subject!.value = subject;
  const response = await sendInteraction(world, payload);
  expect(response.ack).toBeUndefined();
  let ticketId = 0;
  await waitFor(async () => {
    const [ticket] = await world.service.list('slack', world.slack.teamId, { id: user, name: 'requester' }, { status: 'all', text: subject, limit: 1 });
    if (!ticket?.spacesReadyAt) throw new Error('not opened yet');
    ticketId = ticket.id;
  });
  await world.settle();
  return world.service.ticketById(ticketId);
}

/** Names the bot gave the files it uploaded into a channel since `mark` (an index into the fake's calls). */
function uploadedNames(world: SlackWorld, mark: number): string[] {
  return world.slack.calls.slice(mark).filter((c) => c.method === 'files.getUploadURLExternal').map((c) => String(c.args.filename));
}

async function slackTicketWithFiles(world: SlackWorld, files: FileSpec[], subject: string) {
  const user = slackMember(world);
  const mark = world.slack.calls.length;
  const opened = await openSlackTicket(world, { user, subject, files });
  return { ...opened, user, stored: await storedFiles(world, opened.ticket.id), shown: uploadedNames(world, mark) };
}

// ---------------------------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------------------------

const discordRows: DiscordRow[] = [
  // --- Oversized payloads -------------------------------------------------------------------------------------
  {
    id: 'D01',
    platform: 'discord',
    input: '/ticket form from a tampered client (max_length removed): 5,000-char subject, 40,000-char description, 50,000-char order answer',
    expected: "refused, each field named: 'Subject is too long: at most 80 characters.', 'Description … at most 4000', 'Order number … at most 1000'; no ticket, no thread",
    async run(world) {
      const user = member(world);
      const before = await discordSnapshot(world);
      const submit = await sendDiscordForm(
        world,
        user,
        { subject: 'S'.repeat(5000), description: 'D'.repeat(40_000), 'q:order': 'O'.repeat(50_000) },
        { tamper: (modal) => labelsOf(modal).forEach((l) => l.component.type === 4 && (l.component.max_length = 100_000)) },
      );
      expect(await answerOf(submit)).toBe(
        'Please fix the form and send it again:\n• Subject is too long: at most 80 characters.\n• Description is too long: at most 4000 characters.\n• Order number is too long: at most 1000 characters.',
      );
      await expectNothingOpened(world, before);
    },
  },
  {
    id: 'D02',
    platform: 'discord',
    input: 'a 40 KB paste by the agent in a ticket thread (Discord sends a paste over 2,000 characters as message.txt)',
    expected: 'stored whole (40,960 bytes, same SHA-256), sent to the requester by DM with message.txt attached; the ticket turns pending; nothing logged as an error',
    async run(world) {
      const requester = member(world);
      const opened = await openTicket(world, { user: requester, subject: 'Need the full server log' });
      const mark = world.logs.lines.length;
      const paste = Buffer.from('2026-01-01 12:00:00 ERROR the cache exploded again\n'.repeat(820).slice(0, 40_960));
      world.discord.userMessage({ channelId: opened.threadId, user: world.seed.users.anna, attachments: [{ name: 'message.txt', contentType: 'text/plain', bytes: paste }] });
      await vi.waitFor(() => expect(world.discord.dmsTo(requester).some((m) => m.attachments.some((a) => a.filename === 'message.txt'))).toBe(true), { timeout: 8000 });
      const dm = world.discord.dmsTo(requester).find((m) => m.attachments.some((a) => a.filename === 'message.txt'))!;
      expect(world.discord.attachmentBytes(dm.attachments[0]!.url).equals(paste)).toBe(true);
      await world.settle();
      const stored = (await storedFiles(world, opened.ticket.id)).find((f) => f.name === 'message.txt');
      expect(stored).toMatchObject({ size: 40_960, sha256: sha256(paste) });
      expect((await world.service.ticketById(opened.ticket.id)).status).toBe('pending');
      expect(problemsLoggedSince(world, mark, 40)).toEqual([]);
    },
  },
  {
    id: 'D03',
    platform: 'discord',
    input: "form with a 2 MB 'huge.png' (desk limit 4 KB)",
    expected: `refused: '"huge.png" is too large: files can be at most 4 KB.'; the file is never downloaded; no ticket`,
    async run(world) {
      const user = member(world);
      const before = await discordSnapshot(world);
      const submit = await sendDiscordForm(world, user, {}, { files: [{ name: 'huge.png', contentType: 'image/png', bytes: Buffer.alloc(2 * 1024 * 1024, 7) }] });
      expect(await answerOf(submit)).toBe('Please fix the form and send it again:\n• "huge.png" is too large: files can be at most 4 KB.');
      await expectNothingOpened(world, before);
      expect(world.discord.downloads.length).toBe(before.downloads);
    },
  },
  {
    id: 'D04',
    platform: 'discord',
    input: 'form from a tampered client (file upload max_values 3 → 10) carrying 10 images',
    expected: "refused: 'Too many files: at most 3.'; nothing downloaded; no ticket",
    async run(world) {
      const user = member(world);
      const before = await discordSnapshot(world);
      const files = Array.from({ length: 10 }, (_, i) => ({ name: `shot${i}.png`, contentType: 'image/png', bytes: PNG }));
      const submit = await sendDiscordForm(world, user, {}, { files, tamper: (modal) => (labelsOf(modal).find((l) => l.component.custom_id === 'files')!.component.max_values = 10) });
      expect(await answerOf(submit)).toBe('Please fix the form and send it again:\n• Too many files: at most 3.');
      await expectNothingOpened(world, before);
      expect(world.discord.downloads.length).toBe(before.downloads);
    },
  },
  {
    id: 'D05',
    platform: 'discord',
    input: "form with a zero-byte file 'empty.log'",
    expected: `refused: '"empty.log" is empty.'; no ticket`,
    async run(world) {
      const user = member(world);
      const before = await discordSnapshot(world);
      const submit = await sendDiscordForm(world, user, {}, { files: [{ name: 'empty.log', contentType: 'text/plain', bytes: Buffer.alloc(0) }] });
      expect(await answerOf(submit)).toBe('Please fix the form and send it again:\n• "empty.log" is empty.');
      await expectNothingOpened(world, before);
    },
  },

  // --- Malformed payloads --------------------------------------------------------------------------------------
  {
    id: 'D06',
    platform: 'discord',
    input: 'form submission from a tampered client with the subject and description inputs removed',
    expected: "refused: 'Subject is required.' and 'Description is required.'; no ticket",
    async run(world) {
      const user = member(world);
      const before = await discordSnapshot(world);
      const submit = await sendDiscordForm(world, user, { 'q:order': 'A-77' }, {
        base: false,
        tamper: (modal) => (modal.components = labelsOf(modal).filter((l) => !['subject', 'description'].includes(String(l.component.custom_id)))),
      });
      expect(await answerOf(submit)).toBe('Please fix the form and send it again:\n• Subject is required.\n• Description is required.');
      await expectNothingOpened(world, before);
    },
  },
  {
    id: 'D07',
    platform: 'discord',
    input: "form submission where 'subject' comes back as a select menu value instead of text",
    expected: "refused: 'Subject is required.'; no ticket, nothing logged as an error",
    async run(world) {
      const user = member(world);
      const before = await discordSnapshot(world);
      const mark = world.logs.lines.length;
      const submit = await sendDiscordForm(world, user, { subject: ['Refund'], description: VALID_FORM.description }, {
        base: false,
        tamper: (modal) => {
          const label = labelsOf(modal).find((l) => l.component.custom_id === 'subject')!;
          label.component = { type: 3, id: label.component.id, custom_id: 'subject', options: [{ label: 'Refund', value: 'Refund' }], min_values: 1, max_values: 1 };
        },
      });
      expect(await answerOf(submit)).toBe('Please fix the form and send it again:\n• Subject is required.');
      await expectNothingOpened(world, before);
      expect(problemsLoggedSince(world, mark)).toEqual([]);
    },
  },
  {
    id: 'D08',
    platform: 'discord',
    input: "'/legacy-status', a command an older version registered and this one no longer handles",
    expected: 'answered within 3 s with an ephemeral note that the command is not available; nothing else happens',
    async run(world) {
      await discordRest(world, 'POST', `/applications/${world.discord.applicationId}/guilds/${world.seed.guildId}/commands`, { name: 'legacy-status', description: 'From an older version', type: 1 });
      const handle = world.discord.slashCommand({ channelId: world.seed.channels.general, user: member(world), name: 'legacy-status' });
      const answer = await answerInTime(handle);
      expect(answer, 'an answer within Discord’s 3 seconds').not.toBeNull();
      expect(answer).not.toMatch(/Something went wrong/);
    },
  },
  {
    id: 'D09',
    platform: 'discord',
    input: "form submission whose modal custom_id is unknown ('survey:1')",
    expected: "answered within 3 s: the form is not recognised (expired or from an older version), use /ticket again; no ticket",
    async run(world) {
      const user = member(world);
      const before = await discordSnapshot(world);
      const submit = await sendDiscordForm(world, user, {}, { tamper: (modal) => (modal.custom_id = 'survey:1') });
      const answer = await answerInTime(submit);
      await expectNothingOpened(world, before);
      expect(answer, 'an answer within Discord’s 3 seconds').not.toBeNull();
    },
  },

  // --- custom_id tampering -------------------------------------------------------------------------------------
  {
    id: 'D10',
    platform: 'discord',
    input: "Close button whose custom_id names another member's ticket (ticket:close:<theirs>), pressed in one's own ticket",
    expected: "refused: 'You are not allowed to close this ticket.'; no close form; their ticket stays open",
    async run(world) {
      const victim = await openTicket(world, { user: member(world), subject: 'My own business' });
      const attacker = member(world);
      const own = await openTicket(world, { user: attacker, subject: 'Attacker ticket' });
      const planted = await plantButtons(world, own.threadId, [`ticket:close:${victim.ticket.id}`]);
      const click = world.discord.clickButton({ message: planted, customId: `ticket:close:${victim.ticket.id}`, user: attacker });
      expect(await answerOf(click)).toBe('You are not allowed to close this ticket.');
      expect(click.modal).toBeUndefined();
      expect((await world.service.ticketById(victim.ticket.id)).status).toBe('open');
    },
  },
  {
    id: 'D11',
    platform: 'discord',
    input: "Close button whose custom_id carries a non-number ticket id ('ticket:close:abc')",
    expected: `answered: 'There is no ticket "abc" here…'; nothing changes`,
    async run(world) {
      const attacker = member(world);
      const own = await openTicket(world, { user: attacker, subject: 'Non-number id' });
      const planted = await plantButtons(world, own.threadId, ['ticket:close:abc']);
      const answer = await answerInTime(world.discord.clickButton({ message: planted, customId: 'ticket:close:abc', user: attacker }));
      expect(answer ?? '(no answer within 3 s)').toContain('There is no ticket "abc" here');
    },
  },
  {
    id: 'D12',
    platform: 'discord',
    input: "Claim button whose custom_id carries a huge ticket id ('ticket:claim:99999999999999999999'), pressed by an agent",
    expected: `answered: 'There is no ticket "99999999999999999999" here…'; nothing claimed`,
    async run(world) {
      const own = await openTicket(world, { user: member(world), subject: 'Huge id' });
      const planted = await plantButtons(world, own.threadId, ['ticket:claim:99999999999999999999']);
      const answer = await answerInTime(world.discord.clickButton({ message: planted, customId: 'ticket:claim:99999999999999999999', user: world.seed.users.anna }));
      expect((await world.service.ticketById(own.ticket.id)).assigneeId).toBeNull();
      expect(answer ?? '(no answer within 3 s)').toContain('There is no ticket "99999999999999999999" here');
    },
  },
  {
    id: 'D13',
    platform: 'discord',
    input: "button with an unknown action on one's own ticket ('ticket:explode:<own id>')",
    expected: 'answered within 3 s: this button is not (or no longer) in use; the ticket is unchanged',
    async run(world) {
      const attacker = member(world);
      const own = await openTicket(world, { user: attacker, subject: 'Unknown action' });
      const customId = `ticket:explode:${own.ticket.id}`;
      const planted = await plantButtons(world, own.threadId, [customId]);
      const answer = await answerInTime(world.discord.clickButton({ message: planted, customId, user: attacker }));
      expect((await world.service.ticketById(own.ticket.id)).status).toBe('open');
      expect(answer, 'an answer within Discord’s 3 seconds').not.toBeNull();
    },
  },
  {
    id: 'D14',
    platform: 'discord',
    input: "close-reason form whose custom_id was edited to another member's ticket (ticket-close:<theirs>)",
    expected: "refused: 'You are not allowed to close this ticket.'; their ticket stays open",
    async run(world) {
      const victim = await openTicket(world, { user: member(world), subject: 'Leave it open' });
      const attacker = member(world);
      const own = await openTicket(world, { user: attacker, subject: 'Close form source' });
      const press = world.discord.clickButton({ channelId: own.threadId, messageId: own.cardId, customId: `ticket:close:${own.ticket.id}`, user: attacker });
      await press.response();
      const modal = { ...(press.modal as Json), custom_id: `ticket-close:${victim.ticket.id}` };
      const submit = await world.discord.submitModal({ modal, channelId: own.threadId }, attacker, { reason: 'closing yours' });
      expect(await answerOf(submit)).toBe('You are not allowed to close this ticket.');
      expect((await world.service.ticketById(victim.ticket.id)).status).toBe('open');
      expect((await world.service.ticketById(own.ticket.id)).status).toBe('open');
    },
  },
  {
    id: 'D15',
    platform: 'discord',
    input: "close-reason form whose custom_id carries a non-number ticket id ('ticket-close:abc')",
    expected: `refused: 'There is no ticket "abc" here…'; nothing logged as an error`,
    async run(world) {
      const attacker = member(world);
      const own = await openTicket(world, { user: attacker, subject: 'NaN close form' });
      const press = world.discord.clickButton({ channelId: own.threadId, messageId: own.cardId, customId: `ticket:close:${own.ticket.id}`, user: attacker });
      await press.response();
      const mark = world.logs.lines.length;
      const submit = await world.discord.submitModal({ modal: { ...(press.modal as Json), custom_id: 'ticket-close:abc' }, channelId: own.threadId }, attacker, { reason: 'x' });
      const answer = await answerOf(submit);
      expect((await world.service.ticketById(own.ticket.id)).status).toBe('open');
      expect(problemsLoggedSince(world, mark)).toEqual([]);
      expect(answer ?? '(no answer within 3 s)').toContain('There is no ticket "abc" here');
    },
  },
  {
    id: 'D16',
    platform: 'discord',
    input: "rating button in one's DMs edited to rate another member's ticket (rate:<theirs>:5)",
    expected: "refused: 'You are not allowed to rate this ticket.'; no rating stored",
    async run(world) {
      const victim = await openTicket(world, { user: member(world), subject: 'Rate me not' });
      const attacker = member(world);
      const planted = await plantButtons(world, await dmChannel(world, attacker), [`rate:${victim.ticket.id}:5`]);
      expect(await answerOf(world.discord.clickButton({ message: planted, customId: `rate:${victim.ticket.id}:5`, user: attacker }))).toBe('You are not allowed to rate this ticket.');
      expect(await ratingCount(world, victim.ticket.id)).toBe(0);
    },
  },
  {
    id: 'D17',
    platform: 'discord',
    input: "rating button with an out-of-range score on one's own ticket (rate:<own>:99)",
    expected: "refused: 'A rating goes from 1 to 5.'; no rating stored",
    async run(world) {
      const requester = member(world);
      const own = await openTicket(world, { user: requester, subject: 'Score of 99' });
      const planted = await plantButtons(world, await dmChannel(world, requester), [`rate:${own.ticket.id}:99`]);
      expect(await answerOf(world.discord.clickButton({ message: planted, customId: `rate:${own.ticket.id}:99`, user: requester }))).toBe('A rating goes from 1 to 5.');
      expect(await ratingCount(world, own.ticket.id)).toBe(0);
    },
  },

  // --- Someone acting on a ticket that is not theirs -----------------------------------------------------------
  {
    id: 'D18',
    platform: 'discord',
    input: "a member added to the ticket presses Close on the requester's card",
    expected: "refused: 'You are not allowed to close this ticket.'; no close form; the ticket stays open",
    async run(world) {
      const opened = await openTicket(world, { user: member(world), subject: 'Participant closes' });
      const participant = member(world);
      const add = world.discord.slashCommand({ channelId: opened.threadId, user: world.seed.users.anna, name: 'add', options: { member: participant } });
      expect(await answerOf(add)).toBe(`Member ${discordMembers} was added to ${opened.number}.`);
      const click = world.discord.clickButton({ channelId: opened.threadId, messageId: opened.cardId, customId: `ticket:close:${opened.ticket.id}`, user: participant });
      expect(await answerOf(click)).toBe('You are not allowed to close this ticket.');
      expect(click.modal).toBeUndefined();
      expect((await world.service.ticketById(opened.ticket.id)).status).toBe('open');
    },
  },
  {
    id: 'D19',
    platform: 'discord',
    input: "/transcript of another member's ticket, as a web page and as the JSON export",
    expected: "refused both times: 'You are not allowed to see this ticket.'; no file sent",
    async run(world) {
      const victim = await openTicket(world, { user: member(world), subject: 'Private conversation' });
      const outsider = member(world);
      for (const format of ['html', 'json']) {
        const handle = world.discord.slashCommand({ channelId: world.seed.channels.general, user: outsider, name: 'transcript', options: { ticket: victim.number, format } });
        expect(await answerOf(handle)).toBe('You are not allowed to see this ticket.');
        expect(handle.original()?.attachments ?? []).toEqual([]);
      }
    },
  },
  {
    id: 'D20',
    platform: 'discord',
    input: "/tickets list requester:<another member> status:all, by a member who is not staff",
    expected: "answered with nothing of theirs: '0 tickets (all)' / 'No ticket matches.'",
    async run(world) {
      const victimId = member(world);
      await openTicket(world, { user: victimId, subject: 'Secret subject 4711' });
      const handle = world.discord.slashCommand({ channelId: world.seed.channels.general, user: member(world), name: 'tickets', subcommand: 'list', options: { requester: victimId, status: 'all' } });
      const answer = await answerOf(handle);
      expect(answer).toBe('0 tickets (all)\nNo ticket matches.');
    },
  },
  {
    id: 'D21',
    platform: 'discord',
    input: "the requester, who is not staff, runs /add to bring a friend into their own ticket",
    expected: "refused: 'You are not allowed to add people to this ticket.'; the friend is not added to the thread",
    async run(world) {
      const requester = member(world);
      const opened = await openTicket(world, { user: requester, subject: 'Bring my friend' });
      const friend = member(world);
      const add = world.discord.slashCommand({ channelId: opened.threadId, user: requester, name: 'add', options: { member: friend } });
      expect(await answerOf(add)).toBe('You are not allowed to add people to this ticket.');
      await world.settle();
      expect(world.discord.threadMembers(opened.threadId)).not.toContain(friend);
    },
  },

  // --- Mention and markdown injection --------------------------------------------------------------------------
  {
    id: 'D22',
    platform: 'discord',
    input: 'subject, description and order answer full of @everyone, @here, <@&moderators>, <@member> and a ``` fence breakout',
    expected: 'ticket opens; card, thread and log notice ping only the requester and the billing agents role; @everyone/@here show defused (@\u200beveryone)',
    async run(world) {
      const requester = member(world);
      const { moderators, billingAgents } = world.seed.roles;
      const logBefore = lastMessageId(world, world.seed.channels.log);
      const opened = await openTicket(world, {
        user: requester,
        subject: `@everyone @here <@&${moderators}> <@${world.seed.users.mia}>`,
        description: `Hi @everyone and @here, <@&${moderators}> <@${world.seed.users.mia}>\n\`\`\`\n\`\`\` @everyone breakout`,
        answers: { order: `@here <@&${moderators}>` },
      });
      await world.settle();
      const shown = [...world.discord.messagesIn(opened.threadId), ...messagesAfter(world, world.seed.channels.log, logBefore)];
      expectNoPings(shown, { users: [requester], roles: [billingAgents] });
      const card = world.discord.message(opened.threadId, opened.cardId)!;
      expect(card.embeds[0]!.description).toContain('Hi @\u200beveryone and @\u200bhere');
      for (const text of shown.map(markdownText)) expect(text).not.toMatch(/(^|[^\u200b])@(everyone|here)/);
      expect(messagesAfter(world, world.seed.channels.log, logBefore).map(markdownText).join('\n')).toContain(`${opened.number} in 💳 Billing. @\u200beveryone @\u200bhere`);
    },
  },
  {
    id: 'D23',
    platform: 'discord',
    input: "description and order answer with two markdown links each: '[x](javascript:alert(1)) and [login](https://evil.example)'",
    expected: "the card shows every link escaped (\\[x](…), \\[login](…)): no clickable masked link in the bot's card",
    async run(world) {
      const twoLinks = `see [x](javascript:alert(1)) and ${EVIL_LINK}`;
      const opened = await openTicket(world, { user: member(world), subject: 'Two links', description: `Please ${twoLinks} now.`, answers: { order: twoLinks } });
      const card = world.discord.message(opened.threadId, opened.cardId)!;
      expect(card.embeds[0]!.description).toContain('\\[x](javascript:alert(1))');
      expect(markdownText(card)).not.toMatch(LIVE_MASKED_LINK);
    },
  },
  {
    id: 'D38',
    platform: 'discord',
    input: "subject '**Refund** __now__ ~~or else~~ ||secret|| `code` *x*'",
    expected: 'the card title shows the subject as typed: every markdown sign escaped, so no bold, underline, strike, spoiler or code',
    async run(world) {
      const subject = '**Refund** __now__ ~~or else~~ ||secret|| `code` *x*';
      const opened = await openTicket(world, { user: member(world), subject });
      const title = world.discord.message(opened.threadId, opened.cardId)!.embeds[0]!.title!;
      // Every markdown sign has its backslash.
      expect(title).not.toMatch(/(^|[^\\])[*_~|`]/);
      expect(title).toContain('\\*\\*Refund\\*\\*');
      // Read as Discord reads it (a backslash shows the sign after it), the title is the subject again.
      expect(title.replace(/\\(.)/g, '$1')).toBe(`${opened.number} · ${subject}`);
      expect((await world.service.ticketById(opened.ticket.id)).subject).toBe(subject);
    },
  },
  {
    id: 'D24',
    platform: 'discord',
    input: "the requester closes their ticket with the reason '@everyone <@&moderators> [refund here](https://evil.example)'",
    expected: "closed; the closing notice in the thread and the log channel show the reason escaped and ping no one",
    async run(world) {
      const requester = member(world);
      const opened = await openTicket(world, { user: requester, subject: 'Close with a nasty reason' });
      const threadBefore = lastMessageId(world, opened.threadId);
      const logBefore = lastMessageId(world, world.seed.channels.log);
      const reason = `@everyone <@&${world.seed.roles.moderators}> [refund here](https://evil.example)`;
      const close = world.discord.slashCommand({ channelId: opened.threadId, user: requester, name: 'close', options: { reason } });
      await close.response();
      await vi.waitFor(() => expect(close.original()).not.toBeNull());
      const confirm = world.discord.clickButton({ message: close.original()!, customId: componentId(close.original()!, 'close-confirm:'), user: requester });
      await vi.waitFor(() => expect(confirm.original()?.content).toBe(`Ticket ${opened.number} is closed.`), { timeout: 8000 });
      await world.settle();
      const notices = [...messagesAfter(world, opened.threadId, threadBefore), ...messagesAfter(world, world.seed.channels.log, logBefore)];
      expectNoPings(notices);
      const closing = notices.map(messageText).filter((t) => t.includes('closed this ticket'));
      expect(closing.length).toBeGreaterThanOrEqual(2);
      for (const text of closing) {
        expect(text).toContain('@\u200beveryone');
        expect(text).toContain('\\[refund here](https://evil.example)');
        expect(text).not.toMatch(LIVE_MASKED_LINK);
      }
    },
  },
  {
    id: 'D25',
    platform: 'discord',
    input: "an agent whose server nickname is '@here [a](https://x.co)' claims a ticket",
    expected: "'… claimed this ticket.' shows the nickname escaped (@\u200bhere, \\[a\\]); no ping",
    async run(world) {
      const agent = member(world, { roles: [world.seed.roles.billingAgents], nick: '@here [a](https://x.co)' });
      const opened = await openTicket(world, { user: member(world), subject: 'Claimed by a trickster' });
      const before = lastMessageId(world, opened.threadId);
      const claim = world.discord.slashCommand({ channelId: world.seed.channels.general, user: agent, name: 'claim', options: { ticket: opened.number } });
      expect(await answerOf(claim)).toBe(`You claimed ${opened.number}.`);
      await world.settle();
      const notices = messagesAfter(world, opened.threadId, before);
      expectNoPings(notices);
      const notice = notices.map(messageText).find((t) => t.includes('claimed this ticket'))!;
      expect(notice).toContain('@\u200bhere \\[a](https://x.co)');
      expect(notice).not.toMatch(LIVE_MASKED_LINK);
    },
  },

  // --- Control and invisible characters ------------------------------------------------------------------------
  {
    id: 'D26',
    platform: 'discord',
    input: "subject 'Printer\\u0000 jam\\u0007 again' and a description with NUL, backspace and ESC",
    expected: "ticket opens as 'Printer jam again'; no control character in the database, the thread name, the card or the log notice",
    async run(world) {
      const logBefore = lastMessageId(world, world.seed.channels.log);
      const opened = await openTicket(world, { user: member(world), subject: 'Printer\u0000 jam\u0007 again', description: 'Paper\u0000 stuck\u0008 in tray 2, light\u001b blinking.' });
      await world.settle();
      expect(opened.ticket).toMatchObject({ subject: 'Printer jam again', description: 'Paper stuck in tray 2, light blinking.' });
      expect(world.discord.channel(opened.threadId)!.name).toBe(`${opened.number} · Printer jam again`);
      for (const text of [...world.discord.messagesIn(opened.threadId), ...messagesAfter(world, world.seed.channels.log, logBefore)].map(messageText)) {
        expect(text).not.toMatch(CONTROL_OR_BIDI);
      }
    },
  },
  {
    id: 'D27',
    platform: 'discord',
    input: "technical form whose required 'Steps to reproduce' answer is only zero-width characters (\\u200b\\u200c\\u2060\\ufeff)",
    expected: "refused: 'Steps to reproduce is required.'; no ticket",
    async run(world) {
      const before = await discordSnapshot(world);
      const submit = await sendDiscordForm(world, member(world), { 'q:steps': '\u200b\u200c\u2060\ufeff' }, { category: 'technical' });
      expect(await answerOf(submit)).toBe('Please fix the form and send it again:\n• Steps to reproduce is required.');
      await expectNothingOpened(world, before);
    },
  },
  {
    id: 'D28',
    platform: 'discord',
    input: "subject with a right-to-left override: 'Refund for invoice \\u202Efdp.exe'",
    expected: "ticket opens as 'Refund for invoice fdp.exe'; U+202E nowhere: database, thread name, card, log notice",
    async run(world) {
      const logBefore = lastMessageId(world, world.seed.channels.log);
      const opened = await openTicket(world, { user: member(world), subject: 'Refund for invoice \u202Efdp.exe' });
      await world.settle();
      expect(opened.ticket.subject).toBe('Refund for invoice fdp.exe');
      expect(world.discord.channel(opened.threadId)!.name).not.toMatch(CONTROL_OR_BIDI);
      for (const text of [...world.discord.messagesIn(opened.threadId), ...messagesAfter(world, world.seed.channels.log, logBefore)].map(messageText)) {
        expect(text).not.toMatch(CONTROL_OR_BIDI);
      }
    },
  },
  {
    id: 'D29',
    platform: 'discord',
    input: "form file 'invoice\\u202egnp.exe' (a real PNG, declared image/png)",
    expected: "accepted; Discord's upload already strips the override: stored and re-uploaded as 'invoicegnp.exe', bytes under their SHA-256",
    async run(world) {
      const opened = await discordTicketWithFiles(world, [{ name: 'invoice\u202egnp.exe', contentType: 'image/png', bytes: PNG }], 'RTL file name');
      expect(opened.stored).toMatchObject([{ name: 'invoicegnp.exe', sha256: sha256(PNG) }]);
      expect(opened.shown).toEqual(['invoicegnp.exe']);
      expectOnlyHashNamedFiles(world);
    },
  },

  // --- Path tricks in file names -------------------------------------------------------------------------------
  {
    id: 'D30',
    platform: 'discord',
    input: "form files '../../etc/passwd', '..\\\\..\\\\win.ini' and '/etc/shadow'",
    expected: "accepted; Discord's upload rewrites them to 'etcpasswd', 'win.ini', 'etcshadow'; bytes only under attachments/<sha256>, nothing written elsewhere",
    async run(world) {
      const files = [
        { name: '../../etc/passwd', contentType: 'text/plain', bytes: Buffer.from('root:x:0:0') },
        { name: '..\\..\\win.ini', contentType: 'text/plain', bytes: Buffer.from('[fonts]') },
        { name: '/etc/shadow', contentType: 'text/plain', bytes: Buffer.from('root:*:') },
      ];
      const opened = await discordTicketWithFiles(world, files, 'Path names');
      expect(opened.stored.map((f) => f.name)).toEqual(['etcpasswd', 'win.ini', 'etcshadow']);
      expect(opened.stored.map((f) => f.storage_key)).toEqual(files.map((f) => `${sha256(f.bytes).slice(0, 2)}/${sha256(f.bytes)}`));
      expect(opened.shown).toEqual(['etcpasswd', 'win.ini', 'etcshadow']);
      expectOnlyHashNamedFiles(world);
    },
  },
  {
    id: 'D31',
    platform: 'discord',
    input: "form files 'report\\u0000.txt' and '...'",
    expected: "accepted; Discord's upload names them 'report.txt' and 'unknown'; bytes only under attachments/<sha256>",
    async run(world) {
      const opened = await discordTicketWithFiles(
        world,
        [
          { name: 'report\u0000.txt', contentType: 'text/plain', bytes: Buffer.from('report') },
          { name: '...', contentType: 'text/plain', bytes: Buffer.from('dots') },
        ],
        'NUL and dots',
      );
      expect(opened.stored.map((f) => f.name)).toEqual(['report.txt', 'unknown']);
      expect(opened.shown).toEqual(['report.txt', 'unknown']);
      expectOnlyHashNamedFiles(world);
    },
  },
  {
    id: 'D32',
    platform: 'discord',
    input: "form file with a 300-character name ('aaa…a.txt')",
    expected: 'accepted; the name is cut to fit the 255-character name column (PostgreSQL refuses longer), extension kept; bytes under their SHA-256',
    async run(world) {
      const opened = await discordTicketWithFiles(world, [{ name: `${'a'.repeat(300)}.txt`, contentType: 'text/plain', bytes: Buffer.from('long name') }], 'Long file name');
      expectOnlyHashNamedFiles(world);
      expect(opened.stored).toHaveLength(1);
      expect([...opened.stored[0]!.name].length).toBeLessThanOrEqual(255);
      expect(opened.stored[0]!.name).toMatch(/\.txt$/);
    },
  },

  // --- Bytes that do not match the declared type ---------------------------------------------------------------
  {
    id: 'D33',
    platform: 'discord',
    input: "form file 'photo.png' whose bytes are a Windows executable (MZ header), declared image/png",
    expected: `refused: '"photo.png" is not a PNG image' (or a like message naming the file); no ticket, nothing re-uploaded`,
    async run(world) {
      const before = await discordSnapshot(world);
      const submit = await sendDiscordForm(world, member(world), {}, { files: [{ name: 'photo.png', contentType: 'image/png', bytes: EXE }] });
      const answer = await answerOf(submit);
      await world.settle();
      expect(answer).toContain('photo.png');
      await expectNothingOpened(world, before);
    },
  },
  {
    id: 'D34',
    platform: 'discord',
    input: "form file 'notes.txt' holding an HTML page with <script>, declared text/plain",
    expected: 'accepted as a text file (re-uploaded as notes.txt); the HTML transcript carries it as opaque bytes (data:application/octet-stream), never as live markup',
    async run(world) {
      const opened = await discordTicketWithFiles(world, [{ name: 'notes.txt', contentType: 'text/plain', bytes: Buffer.from(HTML_PAGE) }], 'HTML as text');
      expect(opened.stored).toMatchObject([{ name: 'notes.txt', content_type: 'text/plain; charset=utf-8', sha256: sha256(Buffer.from(HTML_PAGE)) }]);
      const transcript = world.discord.slashCommand({ channelId: opened.threadId, user: opened.user, name: 'transcript' });
      expect(await answerOf(transcript)).toBe(`Here is the transcript of ${opened.number}.`);
      const file = transcript.original()!.attachments[0]!;
      const html = world.discord.attachmentBytes(file.url).toString('utf8');
      expect(html).toContain(`data:application/octet-stream;base64,${Buffer.from(HTML_PAGE).toString('base64')}`);
      expect(html).not.toContain('<script>alert(document.cookie)');
      expect(html).not.toContain('javascript:steal()');
    },
  },
  {
    id: 'D35',
    platform: 'discord',
    input: "form file 'scan.pdf' whose bytes are a PNG image, declared application/pdf",
    expected: 'accepted as declared (PDFs are allowed and the bytes are a harmless image): stored as application/pdf with the PNG’s SHA-256',
    async run(world) {
      const opened = await discordTicketWithFiles(world, [{ name: 'scan.pdf', contentType: 'application/pdf', bytes: PNG }], 'PNG as PDF');
      expect(opened.stored).toMatchObject([{ name: 'scan.pdf', content_type: 'application/pdf', sha256: sha256(PNG) }]);
      expect(opened.shown).toEqual(['scan.pdf']);
    },
  },

  // --- Oversized command options -------------------------------------------------------------------------------
  {
    id: 'D36',
    platform: 'discord',
    input: "/close with a 10,000-character reason from a tampered client (the option allows 500)",
    expected: "refused: 'The reason is too long: at most 500 characters.'; the ticket stays open; nothing logged as an error",
    async run(world) {
      const requester = member(world);
      const opened = await openTicket(world, { user: requester, subject: 'Long reason' });
      const mark = world.logs.lines.length;
      const close = world.discord.slashCommand({ channelId: opened.threadId, user: requester, name: 'close', options: { reason: 'R'.repeat(10_000) } });
      const answer = await answerOf(close);
      expect((await world.service.ticketById(opened.ticket.id)).status).toBe('open');
      expect(problemsLoggedSince(world, mark)).toEqual([]);
      expect(answer).toBe('The reason is too long: at most 500 characters.');
    },
  },

  // --- Flooding ------------------------------------------------------------------------------------------------
  {
    id: 'D37',
    platform: 'discord',
    input: '1,000 /ticket forms (each its own /ticket and modal) from one member within a minute, 50 at a time',
    expected: "3 tickets open (maxOpenPerUser), the 997 others refused 'You already have 3 open tickets (…); the limit is 3.'; every interaction answered in time; no error; another member is answered at once",
    timeoutMs: 90_000,
    async run(world) {
      const flooder = member(world);
      const mark = world.logs.lines.length;
      const callsMark = world.discord.calls.length;
      const answers: string[] = [];
      for (let batch = 0; batch < 1000; batch += 50) {
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 50 }, async (_, k) => {
              const submit = await sendDiscordForm(world, flooder, { subject: `Flood number ${batch + k}` });
              return answerOf(submit, 15_000);
            }),
          )),
        );
      }
      await world.settle();
      expect(answers.filter((a) => a.startsWith('Your ticket CS-'))).toHaveLength(3);
      expect(answers.filter((a) => LIMIT_REFUSAL.test(a))).toHaveLength(997);
      expect(await count(world, 'SELECT COUNT(*) AS n FROM tickets WHERE requester_id = ?', flooder)).toBe(3);
      expect(world.discord.calls.slice(callsMark).filter((c) => /\/interactions\/\d+\/[^/]+\/callback/.test(c.path) && c.status >= 400)).toEqual([]);
      expect(problemsLoggedSince(world, mark, 40)).toEqual([]);
      const started = Date.now();
      const other = world.discord.slashCommand({ channelId: world.seed.channels.general, user: member(world), name: 'ticket', options: { category: 'billing' } });
      await other.response(3000);
      expect(other.callback!.type).toBe(9);
      expect(Date.now() - started).toBeLessThan(3000);
    },
  },
];

const slackRows: SlackRow[] = [
  // --- Oversized payloads -------------------------------------------------------------------------------------
  {
    id: 'S01',
    platform: 'slack',
    input: 'view_submission from a tampered client: 5,000-char subject, 40,000-char description, 50,000-char steps answer',
    expected: "errors under each field: 'Subject is too long: at most 80 characters.', 'Description … 4000', 'Steps to reproduce … 1000'; no ticket",
    async run(world) {
      const payload = await refusedForm(world, slackMember(world));
      const values = payload.view.state.values;
      values.subject!.subject!.value = 'S'.repeat(5000);
      values.description!.description!.value = 'D'.repeat(40_000);
      values.q_steps!.answer!.value = 'x'.repeat(50_000);
      const before = await ticketCount(world);
      const response = await sendInteraction(world, payload);
      expect(response.ack).toEqual({
        response_action: 'errors',
        errors: {
          subject: 'Subject is too long: at most 80 characters.',
          description: 'Description is too long: at most 4000 characters.',
          q_steps: 'Steps to reproduce is too long: at most 1000 characters.',
        },
      });
      await world.settle();
      expect(await ticketCount(world)).toBe(before);
    },
  },
  {
    id: 'S02',
    platform: 'slack',
    input: 'a 40 KB (40,960-character) message from the requester in their ticket thread',
    expected: "stored whole; mirrored to the staff thread cut to fit Slack's 40,000 limit (ending '…'), accepted by Slack; nothing logged as an error",
    async run(world) {
      const user = slackMember(world);
      const opened = await openSlackTicket(world, { user, subject: 'A very long message' });
      const mark = world.logs.lines.length;
      const text = 'The export fails at row 1234 with the same error. '.repeat(820).slice(0, 40_960);
      await world.slack.userMessage({ user, channel: opened.dm.channel, thread_ts: opened.dm.ts, text });
      await world.settle();
      const [copy] = callsTo(world, 'chat.postMessage', (a) => a.channel === opened.staff.channel && String(a.text).startsWith('The export fails'));
      expect(copy!.response.ok).toBe(true);
      expect(String(copy!.args.text).length).toBeLessThanOrEqual(40_000);
      expect(String(copy!.args.text).endsWith('…')).toBe(true);
      expect(await storedBodies(world, opened.ticket.id)).toContain(text);
      expect(problemsLoggedSince(world, mark, 40)).toEqual([]);
    },
  },
  {
    id: 'S03',
    platform: 'slack',
    input: "form file 'big.png' whose declared size (10 bytes) lies: the file is 200 KB (desk limit 4 KB)",
    expected: `the form closes, then a DM: '"big.png" is too large: files can be at most 4 KB.'; the download stops at the limit; no ticket`,
    async run(world) {
      const user = slackMember(world);
      const payload = await refusedForm(world, user, [{ name: 'big.png', data: Buffer.alloc(200 * 1024, 1), mimetype: 'image/png' }]);
      formFiles(payload)[0]!.size = 10;
      const before = await ticketCount(world);
      const response = await sendInteraction(world, payload);
      expect(response.ack).toBeUndefined();
      const dm = world.slack.dmChannelOf(user);
      await waitFor(() => expect(world.slack.messagesIn(dm).map((m) => m.text)).toContain('Please fix the form and send it again:\n• "big.png" is too large: files can be at most 4 KB.'));
      expect(await ticketCount(world)).toBe(before);
    },
  },
  {
    id: 'S04',
    platform: 'slack',
    input: 'view_submission from a tampered client carrying 11 files (limit 3; the client allows 10 at most)',
    expected: "error under Files: 'Too many files: at most 3.'; nothing downloaded; no ticket",
    async run(world) {
      const payload = await refusedForm(world, slackMember(world), [{ name: 'shot.png', data: PNG, mimetype: 'image/png' }]);
      const [file] = formFiles(payload);
      formFiles(payload).splice(0, 1, ...Array.from({ length: 11 }, (_, i) => ({ ...file, id: `F0HOSTILE${String(i).padStart(2, '0')}`, name: `shot${i}.png` })));
      const before = { tickets: await ticketCount(world), downloads: world.slack.downloads.length };
      const response = await sendInteraction(world, payload);
      expect(response.ack).toEqual({ response_action: 'errors', errors: { files: 'Too many files: at most 3.' } });
      await world.settle();
      expect(await ticketCount(world)).toBe(before.tickets);
      expect(world.slack.downloads.length).toBe(before.downloads);
    },
  },
  {
    id: 'S05',
    platform: 'slack',
    input: "form with a zero-byte file 'empty.log'",
    expected: `error under Files: '"empty.log" is empty.'; no ticket`,
    async run(world) {
      const before = await ticketCount(world);
      const result = await sendSlackForm(world, slackMember(world), { files: { files: [{ name: 'empty.log', data: '', mimetype: 'text/plain' }] } });
      expect(result.ackBody).toEqual({ response_action: 'errors', errors: { files: '"empty.log" is empty.' } });
      expect(await ticketCount(world)).toBe(before);
    },
  },

  // --- Malformed payloads --------------------------------------------------------------------------------------
  {
    id: 'S06',
    platform: 'slack',
    input: 'view_submission whose state.values lost every input block',
    expected: "error: 'Subject is required. Description is required. Steps to reproduce is required.'; no ticket",
    async run(world) {
      const payload = await refusedForm(world, slackMember(world));
      payload.view.state.values = {};
      const before = await ticketCount(world);
      const response = await sendInteraction(world, payload);
      expect(response.ack).toEqual({ response_action: 'errors', errors: { subject: 'Subject is required. Description is required. Steps to reproduce is required.' } });
      expect(await ticketCount(world)).toBe(before);
    },
  },
  {
    id: 'S07',
    platform: 'slack',
    input: 'view_submission with values of the wrong type: subject a number, description an object, steps an array',
    expected: "errors naming the fields (e.g. 'Subject is required.'); no ticket; nothing logged as an error",
    async run(world) {
      const payload = await refusedForm(world, slackMember(world));
      const values = payload.view.state.values;
      values.subject!.subject!.value = 12345;
      values.description!.description!.value = { evil: true };
      values.q_steps!.answer!.value = ['a', 'b'];
      const before = await ticketCount(world);
      const mark = world.logs.lines.length;
      const response = await sendInteraction(world, payload);
      expect(await ticketCount(world)).toBe(before);
      expect(response.ack).toMatchObject({ response_action: 'errors' });
      expect(JSON.stringify(response.ack)).toContain('Subject');
      expect(JSON.stringify(response.ack)).not.toContain('Something went wrong');
      expect(problemsLoggedSince(world, mark)).toEqual([]);
    },
  },
  {
    id: 'S08',
    platform: 'slack',
    input: "block_actions for an unknown action_id ('ticket_explode') on the requester's own card",
    expected: 'acknowledged within 3 s (HTTP 200) and the user told the button is not in use; nothing changes',
    async run(world) {
      const user = slackMember(world);
      const opened = await openSlackTicket(world, { user, subject: 'Unknown button' });
      const press = await pressedButton(world, user, opened.dm);
      press.actions[0]!.action_id = 'ticket_explode';
      const response = await sendInteraction(world, press);
      expect((await world.service.ticketById(opened.ticket.id)).status).toBe('open');
      expect(response.status).toBe(200);
      expect(response.elapsedMs).toBeLessThan(3000);
    },
  },
  {
    id: 'S09',
    platform: 'slack',
    input: "view_submission for an unknown callback_id ('legacy_survey')",
    expected: 'acknowledged within 3 s with a clear word in the modal (form expired, use /ticket again); no ticket',
    async run(world) {
      const payload = await refusedForm(world, slackMember(world));
      payload.view.callback_id = 'legacy_survey';
      const before = await ticketCount(world);
      const response = await sendInteraction(world, payload);
      expect(await ticketCount(world)).toBe(before);
      expect(response.status).toBe(200);
      expect(response.elapsedMs).toBeLessThan(3000);
    },
  },
  {
    id: 'S10',
    platform: 'slack',
    input: "signed Events API POST whose body is not JSON ('{\"type\":\"event_callback\",')",
    expected: 'HTTP 400, no Web API call, no error logged (a warning at most)',
    async run(world) {
      const calls = world.slack.calls.length;
      const mark = world.logs.lines.length;
      const response = await world.slack.sendRaw({ body: '{"type":"event_callback",', contentType: 'application/json' });
      await world.settle();
      expect(response.status).toBe(400);
      expect(world.slack.calls.length).toBe(calls);
      expect(problemsLoggedSince(world, mark)).toEqual([]);
    },
  },
  {
    id: 'S11',
    platform: 'slack',
    input: 'signed event_callback whose message event lacks channel, user and ts',
    expected: 'acknowledged (200); nothing stored, nothing posted, no error logged',
    async run(world) {
      const calls = world.slack.calls.length;
      const messages = await count(world, 'SELECT COUNT(*) AS n FROM ticket_messages');
      const mark = world.logs.lines.length;
      const response = await world.slack.sendRaw({ body: world.slack.eventEnvelope({ type: 'message' }) });
      await world.settle();
      expect(response.status).toBe(200);
      expect(world.slack.calls.length).toBe(calls);
      expect(await count(world, 'SELECT COUNT(*) AS n FROM ticket_messages')).toBe(messages);
      expect(problemsLoggedSince(world, mark)).toEqual([]);
    },
  },
  {
    id: 'S12',
    platform: 'slack',
    input: 'signed event_callback envelope with no event at all',
    expected: 'refused at once (a 4xx within 3 s); nothing stored or posted; no error logged',
    async run(world) {
      const calls = world.slack.calls.length;
      const mark = world.logs.lines.length;
      const envelope = world.slack.eventEnvelope({ type: 'message' });
      delete envelope.event;
      const response = await world.slack.sendRaw({ body: envelope });
      await world.settle();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(world.slack.calls.length).toBe(calls);
      expect(response.elapsedMs).toBeLessThan(3000);
      expect(problemsLoggedSince(world, mark)).toEqual([]);
    },
  },
  {
    id: 'S13',
    platform: 'slack',
    input: 'url_verification challenge signed with a forged secret',
    expected: 'HTTP 401; the challenge is not echoed',
    async run(world) {
      const response = await world.slack.sendRaw({ body: { token: 'x', challenge: 'c0ffee-challenge', type: 'url_verification' }, signature: 'forged' });
      expect(response.status).toBe(401);
      expect(response.rawBody).not.toContain('c0ffee-challenge');
    },
  },

  // --- Forged and replayed requests ----------------------------------------------------------------------------
  {
    id: 'S14',
    platform: 'slack',
    input: 'a complete, valid ticket form (view_submission) signed with the wrong secret',
    expected: 'HTTP 401; no ticket, no Web API call',
    async run(world) {
      const payload = await refusedForm(world, slackMember(world));
      const before = { tickets: await ticketCount(world), calls: world.slack.calls.length };
      const response = await sendInteraction(world, payload, { signature: 'forged' });
      await world.settle();
      expect(response.status).toBe(401);
      expect(await ticketCount(world)).toBe(before.tickets);
      expect(world.slack.calls.length).toBe(before.calls);
    },
  },
  {
    id: 'S15',
    platform: 'slack',
    input: 'a message event for a ticket thread, validly signed but with a timestamp 6 minutes old',
    expected: 'HTTP 401; the message is neither stored nor mirrored',
    async run(world) {
      const user = slackMember(world);
      const opened = await openSlackTicket(world, { user, subject: 'Stale request' });
      const event = threadMessage(world, user, opened.dm, 'Sent six minutes ago');
      const response = await world.slack.sendRaw({ body: world.slack.eventEnvelope(event), timestamp: Math.floor(Date.now() / 1000) - 360 });
      await world.settle();
      expect(response.status).toBe(401);
      expect(await storedBodies(world, opened.ticket.id)).not.toContain('Sent six minutes ago');
      expect(staffCopies(world, opened.staff, 'Sent six minutes ago')).toEqual([]);
    },
  },
  {
    id: 'S43',
    platform: 'slack',
    input: 'a message event for a ticket thread, validly signed with a timestamp 6 minutes in the future, sent twice',
    expected: 'HTTP 401 both times, as for a stale one; the message is neither stored nor mirrored; a warning is logged',
    async run(world) {
      const user = slackMember(world);
      const opened = await openSlackTicket(world, { user, subject: 'Request from the future' });
      const mark = world.logs.lines.length;
      const body = world.slack.eventEnvelope(threadMessage(world, user, opened.dm, 'Signed six minutes ahead'));
      const timestamp = Math.floor(Date.now() / 1000) + 360;
      const responses = [await world.slack.sendRaw({ body, timestamp }), await world.slack.sendRaw({ body, timestamp })];
      await world.settle();
      expect(responses.map((r) => r.status)).toEqual([401, 401]);
      expect(await storedBodies(world, opened.ticket.id)).not.toContain('Signed six minutes ahead');
      expect(staffCopies(world, opened.staff, 'Signed six minutes ahead')).toEqual([]);
      expect(world.logs.lines.slice(mark).filter((l) => String(l.msg).includes('more than 5 minutes ahead'))).toHaveLength(2);
    },
  },
  {
    id: 'S16',
    platform: 'slack',
    input: 'the same signed event request (same body, timestamp and signature) sent twice within 5 minutes',
    expected: 'both acknowledged; the message is stored once and mirrored once',
    async run(world) {
      const user = slackMember(world);
      const opened = await openSlackTicket(world, { user, subject: 'Replayed request' });
      const body = world.slack.eventEnvelope(threadMessage(world, user, opened.dm, 'Only once, even replayed'));
      const timestamp = Math.floor(Date.now() / 1000);
      const first = await world.slack.sendRaw({ body, timestamp });
      const second = await world.slack.sendRaw({ body, timestamp });
      await world.settle();
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(staffCopies(world, opened.staff, 'Only once, even replayed')).toHaveLength(1);
      expect((await storedBodies(world, opened.ticket.id)).filter((b) => b === 'Only once, even replayed')).toHaveLength(1);
    },
  },
  {
    id: 'S17',
    platform: 'slack',
    input: 'the same message event delivered again under a fresh event_id (a new delivery, same message ts)',
    expected: 'stored once and mirrored once (the message location is unique)',
    async run(world) {
      const user = slackMember(world);
      const opened = await openSlackTicket(world, { user, subject: 'Fresh delivery id' });
      const event = threadMessage(world, user, opened.dm, 'Same message, new delivery');
      await world.slack.sendRaw({ body: world.slack.eventEnvelope(event, 'Ev0HOSTILE0001') });
      await world.slack.sendRaw({ body: world.slack.eventEnvelope(event, 'Ev0HOSTILE0002') });
      await world.settle();
      expect(staffCopies(world, opened.staff, 'Same message, new delivery')).toHaveLength(1);
      expect((await storedBodies(world, opened.ticket.id)).filter((b) => b === 'Same message, new delivery')).toHaveLength(1);
    },
  },
  {
    id: 'S18',
    platform: 'slack',
    input: "'/ticket close N gotcha' carrying a genuine signature computed over a different body",
    expected: 'HTTP 401; the ticket stays open',
    async run(world) {
      const user = slackMember(world);
      const opened = await openSlackTicket(world, { user, subject: 'Signature of another body' });
      const body = world.slack.commandRequestBody({ user, channel: world.ids.channels.general, command: '/ticket', text: `close ${opened.number} gotcha` });
      const response = await world.slack.sendRaw({ body, signature: 'none', headers: world.slack.signatureHeaders('command=%2Fticket&text=help') });
      await world.settle();
      expect(response.status).toBe(401);
      expect((await world.service.ticketById(opened.ticket.id)).status).toBe('open');
    },
  },

  // --- private_metadata and button value tampering -------------------------------------------------------------
  {
    id: 'S19',
    platform: 'slack',
    input: "form private_metadata edited to JSON with __proto__ / constructor.prototype keys and unknown fields",
    expected: 'ignored: the ticket opens in the selected category; no object prototype is polluted',
    async run(world) {
      const user = slackMember(world);
      const payload = await refusedForm(world, user);
      payload.view.private_metadata = '{"n":"x","c":"technical","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"admin":true}';
      const ticket = await slackTicketFromPayload(world, user, payload, 'Prototype keys');
      expect(ticket.categoryKey).toBe('technical');
      expect(({} as Json).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    },
  },
  {
    id: 'S20',
    platform: 'slack',
    input: "form private_metadata that is not JSON ('{oops') with the category block removed",
    expected: "error: 'Category is required.'; no ticket",
    async run(world) {
      const payload = await refusedForm(world, slackMember(world));
      payload.view.private_metadata = '{oops';
      delete payload.view.state.values.category;
      const before = await ticketCount(world);
      const response = await sendInteraction(world, payload);
      expect(response.ack).toEqual({ response_action: 'errors', errors: { subject: 'Category is required.' } });
      expect(await ticketCount(world)).toBe(before);
    },
  },
  {
    id: 'S21',
    platform: 'slack',
    input: "form submitted for a workspace that has no desk (team.id T0NOTADESK)",
    expected: "error: 'Support isn't set up here yet. …'; no ticket",
    async run(world) {
      const payload = await refusedForm(world, slackMember(world));
      payload.team.id = 'T0NOTADESK';
      payload.view.team_id = 'T0NOTADESK';
      const before = await ticketCount(world);
      const response = await sendInteraction(world, payload);
      expect(response.ack).toEqual({
        response_action: 'errors',
        errors: { subject: "Support isn't set up here yet. Ask an administrator to add this server or workspace to the bot's desk configuration." },
      });
      expect(await ticketCount(world)).toBe(before);
    },
  },
  {
    id: 'S22',
    platform: 'slack',
    input: "close-reason modal whose private_metadata names another member's ticket",
    expected: "error under Reason: 'You are not allowed to close this ticket.'; their ticket stays open",
    async run(world) {
      const victim = await openSlackTicket(world, { user: slackMember(world), subject: 'Not yours to close' });
      const payload = await viewSubmission(world, slackMember(world), { callback_id: 'ticket_close_reason', private_metadata: String(victim.ticket.id), values: reasonValues('mine now') });
      const response = await sendInteraction(world, payload);
      expect(response.ack).toEqual({ response_action: 'errors', errors: { reason: 'You are not allowed to close this ticket.' } });
      expect((await world.service.ticketById(victim.ticket.id)).status).toBe('open');
    },
  },
  {
    id: 'S23',
    platform: 'slack',
    input: "close-reason modal whose private_metadata is not a ticket id ('abc', then '1e400')",
    expected: `error under Reason: 'There is no ticket "abc" here. Check the number (for example CS-0042).' (and the same for "1e400")`,
    async run(world) {
      const user = slackMember(world);
      for (const id of ['abc', '1e400']) {
        const payload = await viewSubmission(world, user, { callback_id: 'ticket_close_reason', private_metadata: id, values: reasonValues('x') });
        const response = await sendInteraction(world, payload);
        expect(response.ack).toEqual({ response_action: 'errors', errors: { reason: `There is no ticket "${id}" here. Check the number (for example CS-0042).` } });
      }
    },
  },
  {
    id: 'S24',
    platform: 'slack',
    input: "Close button on one's own card with its value changed to another member's ticket id",
    expected: "ephemeral: 'You are not allowed to close this ticket.'; no reason modal opened",
    async run(world) {
      const victim = await openSlackTicket(world, { user: slackMember(world), subject: 'Someone else’s' });
      const attacker = slackMember(world);
      const own = await openSlackTicket(world, { user: attacker, subject: 'Attacker card' });
      const press = await pressedButton(world, attacker, own.dm);
      const views = callsTo(world, 'views.open').length;
      expect(await pressTampered(world, press, 'ticket_close', String(victim.ticket.id))).toEqual(['You are not allowed to close this ticket.']);
      expect(callsTo(world, 'views.open')).toHaveLength(views);
    },
  },
  {
    id: 'S25',
    platform: 'slack',
    input: "Claim button on a staff card pressed by a moderator with its value changed to 'abc', then '99999999999999999999'",
    expected: `ephemeral: 'There is no ticket "abc" here…', then the same for the huge number; nothing claimed`,
    async run(world) {
      const opened = await openSlackTicket(world, { user: slackMember(world), subject: 'Claim tampering' });
      const press = await pressedButton(world, world.ids.users.max, opened.staff);
      expect(await pressTampered(world, press, 'ticket_claim', 'abc')).toEqual(['There is no ticket "abc" here. Check the number (for example CS-0042).']);
      expect(await pressTampered(world, press, 'ticket_claim', '99999999999999999999')).toEqual([
        'There is no ticket "99999999999999999999" here. Check the number (for example CS-0042).',
      ]);
      expect((await world.service.ticketById(opened.ticket.id)).assigneeId).toBeNull();
    },
  },
  {
    id: 'S26',
    platform: 'slack',
    input: "rating button values tampered: '<another member's ticket>:5', then '<own ticket>:99'",
    expected: "told in the DM thread: 'You are not allowed to rate this ticket.', then 'A rating goes from 1 to 5.'; no rating stored",
    async run(world) {
      const victim = await openSlackTicket(world, { user: slackMember(world), subject: 'Do not rate me' });
      const attacker = slackMember(world);
      const own = await openSlackTicket(world, { user: attacker, subject: 'Rate tampering' });
      const press = await pressedButton(world, attacker, own.dm);
      const said = () => world.slack.messagesIn(own.dm.channel, { thread_ts: own.dm.ts }).map((m) => String(m.text));
      const before = said().length;
      await pressTampered(world, press, 'ticket_rate', `${victim.ticket.id}:5`);
      await pressTampered(world, press, 'ticket_rate', `${own.ticket.id}:99`);
      expect(said().slice(before)).toEqual(['You are not allowed to rate this ticket.', 'A rating goes from 1 to 5.']);
      expect(await ratingCount(world, victim.ticket.id)).toBe(0);
      expect(await ratingCount(world, own.ticket.id)).toBe(0);
    },
  },

  // --- Someone acting on a ticket that is not theirs -----------------------------------------------------------
  {
    id: 'S27',
    platform: 'slack',
    input: "'/ticket transcript N' and '/ticket export N' for another member's ticket",
    expected: "refused both times: 'You are not allowed to see this ticket.'; no file uploaded",
    async run(world) {
      const victim = await openSlackTicket(world, { user: slackMember(world), subject: 'Transcript not for you' });
      const outsider = slackMember(world);
      const uploads = callsTo(world, 'files.completeUploadExternal').length;
      for (const verb of ['transcript', 'export']) {
        const result = await world.slack.slashCommand({ user: outsider, channel: world.ids.channels.general, command: '/ticket', text: `${verb} ${victim.number}` });
        await waitFor(() => expect(result.responseUrlMessages.map((m) => m.text)).toEqual(['You are not allowed to see this ticket.']));
      }
      expect(callsTo(world, 'files.completeUploadExternal')).toHaveLength(uploads);
    },
  },
  {
    id: 'S28',
    platform: 'slack',
    input: "Transcript button on one's own card with its value changed to another member's ticket id",
    expected: "ephemeral: 'You are not allowed to see this ticket.'; no file uploaded",
    async run(world) {
      const victim = await openSlackTicket(world, { user: slackMember(world), subject: 'Their transcript' });
      const attacker = slackMember(world);
      const own = await openSlackTicket(world, { user: attacker, subject: 'Transcript tampering' });
      const press = await pressedButton(world, attacker, own.dm);
      const uploads = callsTo(world, 'files.completeUploadExternal').length;
      expect(await pressTampered(world, press, 'ticket_transcript', String(victim.ticket.id))).toEqual(['You are not allowed to see this ticket.']);
      expect(callsTo(world, 'files.completeUploadExternal')).toHaveLength(uploads);
    },
  },
  {
    id: 'S29',
    platform: 'slack',
    input: "'/ticket list all' by a member with no tickets, while others have some",
    expected: "'0 tickets (all)' / 'No ticket matches.': nobody else's tickets",
    async run(world) {
      await openSlackTicket(world, { user: slackMember(world), subject: 'Listed for nobody else' });
      const result = await world.slack.slashCommand({ user: slackMember(world), channel: world.ids.channels.general, command: '/ticket', text: 'list all' });
      await waitFor(() => expect(result.responseUrlMessages.map((m) => m.text)).toEqual(['0 tickets (all)\nNo ticket matches.']));
    },
  },

  // --- Mention and markdown injection --------------------------------------------------------------------------
  {
    id: 'S30',
    platform: 'slack',
    input: 'subject, description and steps answer with <!channel>, <!here>, <!subteam^S0ADMINS1|@admins>, <@U0MAXMOD01>, <http://evil.example|click> and a ``` fence',
    expected: "cards show it as plain text or escaped mrkdwn: no live broadcast, group, mention or link; the card's notification text and /ticket list escape it (&lt;!channel&gt;)",
    async run(world) {
      const user = slackMember(world);
      const opened = await openSlackTicket(world, {
        user,
        subject: '<!channel> <http://evil.example|click> <@U0MAXMOD01>',
        description: 'Help <!here> <!subteam^S0ADMINS1|@admins>\n```\n``` <!everyone>',
        answers: { steps: '```\n<!here> <!subteam^S0ADMINS1|@admins> <http://evil.example|click> <@U0MAXMOD01>\n```' },
      });
      for (const root of [opened.staff, opened.dm]) {
        const card = world.slack.message(root.channel, root.ts)!;
        for (const text of mrkdwnOf(card.blocks)) expect(text).not.toMatch(/<!(channel|here|everyone|subteam)|<http:\/\/evil|<@U0MAXMOD01>/);
        expect(card.text).toContain('&lt;!channel&gt;');
        expect(card.text).not.toContain('<!channel>');
      }
      const list = await world.slack.slashCommand({ user, channel: world.ids.channels.general, command: '/ticket', text: 'list' });
      await waitFor(() => expect(list.responseUrlMessages).toHaveLength(1));
      expect(String(list.responseUrlMessages[0]!.text)).toContain('&lt;!channel&gt; &lt;http://evil.example|click&gt;');
    },
  },
  {
    id: 'S31',
    platform: 'slack',
    input: "a requester whose display name is '<!channel> <http://evil.example|click>' opens a ticket with a file",
    expected: "the 'X sent 1 file.' comment in the staff thread shows the name escaped: no @channel, no link",
    async run(world) {
      const mark = world.slack.calls.length;
      const opened = await openSlackTicket(world, {
        user: slackMember(world, '<!channel> <http://evil.example|click>'),
        subject: 'Display name trick',
        files: [{ name: 'shot.png', data: PNG, mimetype: 'image/png' }],
      });
      const comments = world.slack.calls.slice(mark).filter((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === opened.staff.channel).map((c) => String(c.args.initial_comment));
      expect(comments).toHaveLength(1);
      expect(comments[0]).toContain('sent 1 file.');
      expect(comments[0]).not.toMatch(/<!channel>|<http:\/\/evil/);
    },
  },

  // --- Control and invisible characters ------------------------------------------------------------------------
  {
    id: 'S32',
    platform: 'slack',
    input: "subject 'Printer\\u0000 jam\\u0007 again' and a description with NUL, backspace and ESC",
    expected: "ticket opens as 'Printer jam again'; no control character in the database or either card",
    async run(world) {
      const opened = await openSlackTicket(world, { user: slackMember(world), subject: 'Printer\u0000 jam\u0007 again', description: 'Paper\u0000 stuck\u0008 in tray 2, light\u001b blinking.' });
      expect(opened.ticket).toMatchObject({ subject: 'Printer jam again', description: 'Paper stuck in tray 2, light blinking.' });
      for (const root of [opened.staff, opened.dm]) expect(JSON.stringify(world.slack.message(root.channel, root.ts))).not.toMatch(/\\u00[01][0-9a-f]|\\u007f/i);
    },
  },
  {
    id: 'S33',
    platform: 'slack',
    input: "subject with a right-to-left override: 'Refund for invoice \\u202Efdp.exe'",
    expected: "ticket opens as 'Refund for invoice fdp.exe'; U+202E on neither card",
    async run(world) {
      const opened = await openSlackTicket(world, { user: slackMember(world), subject: 'Refund for invoice \u202Efdp.exe' });
      expect(opened.ticket.subject).toBe('Refund for invoice fdp.exe');
      for (const root of [opened.staff, opened.dm]) expect(JSON.stringify(world.slack.message(root.channel, root.ts))).not.toMatch(CONTROL_OR_BIDI);
    },
  },
  {
    id: 'S34',
    platform: 'slack',
    input: "form file 'invoice\\u202egnp.exe' (a real PNG, declared image/png)",
    expected: "accepted; stored and re-uploaded without the override ('invoicegnp.exe'), so staff never see 'invoiceexe.png'",
    async run(world) {
      const user = slackMember(world);
      const payload = await refusedForm(world, user, [{ name: 'invoice\u202egnp.exe', data: PNG, mimetype: 'image/png' }]);
      // The fake serves url_private_download with the raw name in Content-Disposition, which Node refuses for U+202E.
      for (const file of formFiles(payload)) delete file.url_private_download;
      const mark = world.slack.calls.length;
      const ticket = await slackTicketFromPayload(world, user, payload, 'RTL file name');
      const stored = await storedFiles(world, ticket.id);
      expect(stored).toMatchObject([{ sha256: sha256(PNG) }]);
      expectOnlyHashNamedFiles(world);
      expect(stored[0]!.name).not.toMatch(CONTROL_OR_BIDI);
      expect(uploadedNames(world, mark).join(' ')).not.toMatch(CONTROL_OR_BIDI);
    },
  },

  // --- Path tricks in file names -------------------------------------------------------------------------------
  {
    id: 'S35',
    platform: 'slack',
    input: "form files '../../etc/passwd', '..\\\\..\\\\win.ini' and '/etc/shadow'",
    expected: "bytes only under attachments/<sha256> (nothing written elsewhere); names stored and shown as 'passwd', 'win.ini', 'shadow'",
    async run(world) {
      const files = [
        { name: '../../etc/passwd', data: Buffer.from('root:x:0:0'), mimetype: 'text/plain' },
        { name: '..\\..\\win.ini', data: Buffer.from('[fonts]'), mimetype: 'text/plain' },
        { name: '/etc/shadow', data: Buffer.from('root:*:'), mimetype: 'text/plain' },
      ];
      const opened = await slackTicketWithFiles(world, files, 'Path names');
      expect(opened.stored.map((f) => f.storage_key)).toEqual(files.map((f) => `${sha256(f.data).slice(0, 2)}/${sha256(f.data)}`));
      expectOnlyHashNamedFiles(world);
      expect(opened.stored.map((f) => f.name)).toEqual(['passwd', 'win.ini', 'shadow']);
      expect(opened.shown).toEqual(['passwd', 'win.ini', 'shadow']);
    },
  },
  {
    id: 'S36',
    platform: 'slack',
    input: "form files 'report\\u0000.txt' and '...'",
    expected: "stored and shown as 'report.txt' and a neutral name (not '...'); bytes under their SHA-256",
    async run(world) {
      const user = slackMember(world);
      const payload = await refusedForm(world, user, [
        { name: 'report\u0000.txt', data: 'report', mimetype: 'text/plain' },
        { name: '...', data: 'dots', mimetype: 'text/plain' },
      ]);
      // The fake cannot put a NUL into a Content-Disposition header: the bot downloads url_private instead.
      for (const file of formFiles(payload)) delete file.url_private_download;
      const mark = world.slack.calls.length;
      const ticket = await slackTicketFromPayload(world, user, payload, 'NUL and dots');
      const stored = await storedFiles(world, ticket.id);
      expect(stored).toHaveLength(2);
      expectOnlyHashNamedFiles(world);
      expect(stored[0]!.name).toBe('report.txt');
      expect(stored[1]!.name).toMatch(/[A-Za-z0-9]/);
      expect(uploadedNames(world, mark)).toEqual(stored.map((f) => f.name));
    },
  },
  {
    id: 'S37',
    platform: 'slack',
    input: "form file with a 300-character name ('aaa…a.txt')",
    expected: 'accepted; the name is cut to fit the 255-character name column (PostgreSQL refuses longer), extension kept',
    async run(world) {
      const opened = await slackTicketWithFiles(world, [{ name: `${'a'.repeat(300)}.txt`, data: 'long name', mimetype: 'text/plain' }], 'Long file name');
      expectOnlyHashNamedFiles(world);
      expect(opened.stored).toHaveLength(1);
      expect([...opened.stored[0]!.name].length).toBeLessThanOrEqual(255);
      expect(opened.stored[0]!.name).toMatch(/\.txt$/);
    },
  },

  // --- Bytes that do not match the declared type ---------------------------------------------------------------
  {
    id: 'S38',
    platform: 'slack',
    input: "form file 'photo.png' whose bytes are a Windows executable (MZ header), declared image/png",
    expected: `refused: '"photo.png" is not a PNG image' (or a like message naming the file, in the form or by DM); no ticket`,
    async run(world) {
      const user = slackMember(world);
      const before = await ticketCount(world);
      const result = await sendSlackForm(world, user, { files: { files: [{ name: 'photo.png', data: EXE, mimetype: 'image/png' }] } });
      await world.settle();
      const told = [JSON.stringify(result.ackBody ?? ''), ...world.slack.messagesIn(world.slack.dmChannelOf(user)).map((m) => String(m.text))].join('\n');
      expect(await ticketCount(world)).toBe(before);
      expect(told).toContain('photo.png');
    },
  },
  {
    id: 'S39',
    platform: 'slack',
    input: "form file 'notes.txt' holding an HTML page with <script>, declared text/plain",
    expected: 'accepted as a text file; the transcript (Transcript button) carries it as opaque bytes (data:application/octet-stream), never as live markup',
    async run(world) {
      const opened = await slackTicketWithFiles(world, [{ name: 'notes.txt', data: HTML_PAGE, mimetype: 'text/plain' }], 'HTML as text');
      expect(opened.stored).toMatchObject([{ name: 'notes.txt', content_type: 'text/plain', sha256: sha256(Buffer.from(HTML_PAGE)) }]);
      const mark = world.slack.calls.length;
      await world.slack.blockAction({ user: opened.user, actionId: 'ticket_transcript', channel: opened.dm.channel, message: opened.dm.ts });
      await world.settle();
      const upload = world.slack.calls.slice(mark).find((c) => c.method === 'files.completeUploadExternal')!;
      const fileId = String((upload.args.files as Json[])[0]!.id);
      const html = world.slack.uploadedFile(fileId)!.bytes!.toString('utf8');
      expect(html).toContain(`data:application/octet-stream;base64,${Buffer.from(HTML_PAGE).toString('base64')}`);
      expect(html).not.toContain('<script>alert(document.cookie)');
      expect(html).not.toContain('javascript:steal()');
    },
  },
  {
    id: 'S40',
    platform: 'slack',
    input: "form file 'scan.pdf' whose bytes are a PNG image, declared application/pdf",
    expected: 'accepted as declared (PDFs are allowed and the bytes are a harmless image): stored as application/pdf with the PNG’s SHA-256',
    async run(world) {
      const opened = await slackTicketWithFiles(world, [{ name: 'scan.pdf', data: PNG, mimetype: 'application/pdf' }], 'PNG as PDF');
      expect(opened.stored).toMatchObject([{ name: 'scan.pdf', content_type: 'application/pdf', sha256: sha256(PNG) }]);
      expect(opened.shown).toEqual(['scan.pdf']);
    },
  },

  // --- Oversized command text ----------------------------------------------------------------------------------
  {
    id: 'S41',
    platform: 'slack',
    input: "'/ticket close N' followed by a 10,000-character reason",
    expected: "refused: 'The reason is too long: at most 500 characters.'; the ticket stays open",
    async run(world) {
      const user = slackMember(world);
      const opened = await openSlackTicket(world, { user, subject: 'Long close reason' });
      const result = await world.slack.slashCommand({ user, channel: world.ids.channels.general, command: '/ticket', text: `close ${opened.number} ${'R'.repeat(10_000)}` });
      await waitFor(() => expect(result.responseUrlMessages.map((m) => m.text)).toEqual(['The reason is too long: at most 500 characters.']));
      expect((await world.service.ticketById(opened.ticket.id)).status).toBe('open');
    },
  },

  // --- Flooding ------------------------------------------------------------------------------------------------
  {
    id: 'S42',
    platform: 'slack',
    input: '1,000 signed ticket forms (view_submission, each its own view) from one member within a minute, 50 at a time',
    expected: "3 tickets open; the 997 others refused 'You already have 3 open tickets (…); the limit is 3.' (in the form, or by DM when they raced past its check); no error; another member's /ticket opens a form within 3 s",
    timeoutMs: 60_000,
    async run(world) {
      const flooder = slackMember(world);
      const base = await refusedForm(world, flooder);
      const mark = world.logs.lines.length;
      const acks: Array<Json | undefined> = [];
      for (let batch = 0; batch < 1000; batch += 50) {
        acks.push(
          ...(await Promise.all(
            Array.from({ length: 50 }, async (_, k) => {
              const payload = structuredClone(base);
              payload.view.id = `V0FLOOD${String(batch + k).padStart(5, '0')}`;
              payload.view.state.values.subject!.subject!.value = `Flood number ${batch + k}`;
              const response = await sendInteraction(world, payload);
              expect(response.status).toBe(200);
              return response.ack;
            }),
          )),
        );
      }
      await world.settle();
      const inForm = acks.filter((a) => LIMIT_REFUSAL.test(String((a?.errors as Json | undefined)?.subject ?? ''))).length;
      const accepted = acks.filter((a) => a === undefined).length;
      const byDm = world.slack.messagesIn(world.slack.dmChannelOf(flooder)).filter((m) => LIMIT_REFUSAL.test(String(m.text))).length;
      expect(inForm + accepted).toBe(1000);
      expect(await count(world, 'SELECT COUNT(*) AS n FROM tickets WHERE requester_id = ?', flooder)).toBe(3);
      expect(byDm).toBe(accepted - 3);
      expect(problemsLoggedSince(world, mark, 40)).toEqual([]);
      const started = Date.now();
      const other = await world.slack.slashCommand({ user: slackMember(world), channel: world.ids.channels.general, command: '/ticket', text: 'technical' });
      await world.slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === other.triggerId, 3000);
      expect(Date.now() - started).toBeLessThan(3000);
    },
  },
];

/** Every hostile input, both platforms. */
export const hostileInputs: HostileRow[] = [...discordRows, ...slackRows];
