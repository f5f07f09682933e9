import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  FileUploadBuilder,
  GatewayIntentBits,
  LabelBuilder,
  type Message,
  MessageFlags,
  type ModalSubmitInteraction,
  ModalBuilder,
  Partials,
  PermissionFlagsBits,
  RESTEvents,
  Routes,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  ThreadAutoArchiveDuration,
  type ThreadChannel,
  type TextChannel,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeDiscord, type SeededGuild } from './discord/index.js';

const CHECKER = '/work/shared/tools/check-discord-calls/check.js';
const SPEC = '/work/shared/specs/discord-openapi.json';
/** ajv 8 and ajv-formats for the checker: its own node_modules, a copy made with `npm ci`, or CHECK_DISCORD_CALLS_MODULES. */
const CHECKER_MODULES = existsSync(CHECKER)
  ? [process.env.CHECK_DISCORD_CALLS_MODULES, '/work/shared/tools/check-discord-calls/node_modules', '/tmp/check-tool/node_modules'].find(
      (dir) => dir && existsSync(join(dir, 'ajv', 'dist', '2020.js')),
    )
  : undefined;

/** A 2x3 PNG (header and IHDR are enough for Discord's size sniffing). */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.from([0, 0, 0, 2, 0, 0, 0, 3, 8, 6, 0, 0, 0, 0x9a, 0x9c, 0x18, 0x73]),
]);

type Seed = SeededGuild<'agents' | 'moderators', 'support' | 'staff', 'alice' | 'bob' | 'carol' | 'dave' | 'erin'>;

interface OpenedTicket {
  thread: ThreadChannel;
  card: Message;
  uploaded: Array<{ name: string; contentType: string | null; bytes: Buffer }>;
}

let discord: FakeDiscord;
let client: Client;
let seed: Seed;
const botErrors: unknown[] = [];
const opened: OpenedTicket[] = [];
const received: Message[] = [];
const statusRuns: Array<{ responseMessageId?: string; followUpId: string; fetchedId: string; memberId?: string; locale: string }> = [];

function ticketModal(): ModalBuilder {
  return new ModalBuilder()
    .setCustomId('ticket:open')
    .setTitle('Open a ticket')
    .addLabelComponents(
      new LabelBuilder()
        .setLabel('Category')
        .setStringSelectMenuComponent(
          new StringSelectMenuBuilder()
            .setCustomId('category')
            .addOptions({ label: 'Billing', value: 'billing' }, { label: 'Bug', value: 'bug' }),
        ),
      new LabelBuilder()
        .setLabel('Subject')
        .setTextInputComponent(new TextInputBuilder().setCustomId('subject').setStyle(TextInputStyle.Short).setMaxLength(100)),
      new LabelBuilder()
        .setLabel('Description')
        .setTextInputComponent(new TextInputBuilder().setCustomId('description').setStyle(TextInputStyle.Paragraph)),
      new LabelBuilder()
        .setLabel('Attachments')
        .setFileUploadComponent(new FileUploadBuilder().setCustomId('files').setRequired(false).setMaxValues(3)),
    );
}

/** What a ticket adapter does on submit: private thread, requester added, card with re-uploaded files, status reaction. */
async function openTicket(interaction: ModalSubmitInteraction): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const subject = interaction.fields.getTextInputValue('subject');
  const description = interaction.fields.getTextInputValue('description');
  const [category] = interaction.fields.getStringSelectValues('category');
  const files = interaction.fields.getUploadedFiles('files') ?? new Map();
  const uploaded = await Promise.all(
    [...files.values()].map(async (a) => ({
      name: a.name,
      contentType: a.contentType,
      bytes: Buffer.from(await (await fetch(a.url)).arrayBuffer()),
    })),
  );
  const parent = interaction.guild!.channels.cache.get(seed.channels.support) as TextChannel;
  const thread = await parent.threads.create({
    name: `CS-0001 ${subject}`,
    type: ChannelType.PrivateThread,
    invitable: false,
    autoArchiveDuration: ThreadAutoArchiveDuration.OneWeek,
  });
  await thread.members.add(interaction.user.id);
  const card = await thread.send({
    content: `**${subject}** (${category})\n${description}`,
    files: uploaded.map((f) => new AttachmentBuilder(f.bytes, { name: f.name })),
    components: [
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId('ticket:claim').setLabel('Claim').setStyle(ButtonStyle.Primary),
      ),
    ],
    allowedMentions: { parse: [] },
  });
  await card.react('🟢');
  await interaction.editReply({ content: `Ticket opened: ${thread.url}` });
  opened.push({ thread, card, uploaded });
}

function nextEvent<T extends unknown[]>(event: string, predicate: (...args: T) => boolean, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: unknown[]) => {
      if (!predicate(...(args as T))) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args as T);
    };
    client.on(event, listener);
  });
}

async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DiscordAPIError) return error;
    throw error;
  }
  throw new Error('expected a DiscordAPIError');
}

beforeAll(async () => {
  discord = await FakeDiscord.start();
  seed = discord.seedGuild({
    name: 'Help Desk',
    roles: { agents: { mentionable: true }, moderators: { permissions: ['ManageThreads'] } },
    channels: {
      support: { topic: 'Ask for help here' },
      staff: {
        overwrites: [
          { role: 'everyone', deny: ['ViewChannel'] },
          { role: 'agents', allow: ['ViewChannel'] },
          { user: 'bot', allow: ['ViewChannel'] },
        ],
      },
    },
    users: {
      alice: { globalName: 'Alice', locale: 'fr' },
      bob: { roles: ['agents'] },
      carol: { roles: ['agents'] },
      dave: { dmsClosed: true },
      erin: { roles: ['moderators'] },
    },
  });
  client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMembers,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildMessageReactions,
      GatewayIntentBits.DirectMessages,
      GatewayIntentBits.MessageContent,
    ],
    partials: [Partials.Channel],
    rest: { api: discord.apiUrl },
    ws: { buildIdentifyThrottler: async () => ({ waitForIdentify: async () => undefined }) },
  });
  client.on(Events.MessageCreate, (message) => {
    if (!message.author.bot) received.push(message);
  });
  client.on(Events.InteractionCreate, async (interaction) => {
    try {
      if (interaction.isChatInputCommand() && interaction.commandName === 'ticket') await interaction.showModal(ticketModal());
      else if (interaction.isModalSubmit() && interaction.customId === 'ticket:open') await openTicket(interaction);
      else if (interaction.isChatInputCommand() && interaction.commandName === 'status') {
        const target = interaction.options.getUser('user', true);
        const response = await interaction.reply({ content: `Status for ${target.username}`, withResponse: true });
        const followUp = await interaction.followUp({ content: 'Only you can see this', flags: MessageFlags.Ephemeral });
        const fetched = await interaction.fetchReply();
        await interaction.editReply({ content: `Status for ${target.username}: open` });
        statusRuns.push({
          responseMessageId: response.resource?.message?.id,
          followUpId: followUp.id,
          fetchedId: fetched.id,
          memberId: (interaction.options.getMember('user') as { id: string } | null)?.id,
          locale: interaction.locale,
        });
      } else if (interaction.isChatInputCommand() && interaction.commandName === 'feedback') {
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId('feedback')
            .setTitle('Feedback')
            .addComponents(
              new ActionRowBuilder<TextInputBuilder>().addComponents(
                new TextInputBuilder().setCustomId('text').setLabel('Your feedback').setStyle(TextInputStyle.Paragraph),
              ),
            ),
        );
      } else if (interaction.isModalSubmit() && interaction.customId === 'feedback') {
        await interaction.reply({
          content: `Thanks: ${interaction.fields.getTextInputValue('text')}`,
          flags: MessageFlags.Ephemeral,
          components: [
            new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
              new StringSelectMenuBuilder().setCustomId('rating').addOptions({ label: '5 stars', value: '5' }, { label: '1 star', value: '1' }),
            ),
          ],
        });
      } else if (interaction.isStringSelectMenu() && interaction.customId === 'rating') {
        await interaction.deferUpdate();
      } else if (interaction.isButton() && interaction.customId === 'ticket:claim') {
        await interaction.update({ content: `${interaction.message.content}\nClaimed by ${interaction.user.username}`, components: [] });
      }
    } catch (error) {
      botErrors.push(error);
    }
  });
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(discord.token);
  await ready;
  await client.application!.commands.set([
    {
      name: 'ticket',
      description: 'Open a support ticket',
      options: [{ type: 3, name: 'category', description: 'Category', required: false, choices: [{ name: 'Billing', value: 'billing' }] }],
    },
  ]);
});

afterAll(async () => {
  await client?.destroy();
  await discord?.stop();
});

describe('FakeDiscord driven by the real discord.js client', () => {
  it('logs in, identifies with the client intents and fills the guild cache from GUILD_CREATE', async () => {
    expect(client.user!.id).toBe(discord.botUser.id);
    expect(client.user!.bot).toBe(true);
    expect(client.application!.id).toBe(discord.applicationId);
    expect(discord.lastIntents).toBe(client.options.intents.bitfield);
    expect(discord.callsTo('GET', /^\/api\/v10\/gateway\/bot$/)).toHaveLength(1);
    const guild = client.guilds.cache.get(seed.guildId)!;
    expect(guild.name).toBe('Help Desk');
    expect(guild.roles.everyone.id).toBe(seed.guildId);
    expect(guild.roles.cache.get(seed.roles.agents)!.mentionable).toBe(true);
    expect(guild.channels.cache.get(seed.channels.support)!.type).toBe(ChannelType.GuildText);
    expect(guild.members.me!.roles.cache.has(seed.botRoleId)).toBe(true);
    // Without GuildPresences, Discord's GUILD_CREATE carries only the bot's own member.
    expect(guild.members.cache.map((m) => m.id)).toEqual([discord.botUser.id]);
    const all = await guild.members.fetch();
    expect(all.size).toBe(7);
    const staff = guild.channels.cache.get(seed.channels.staff) as TextChannel;
    expect(staff.permissionsFor(seed.users.alice)!.has('ViewChannel')).toBe(false);
    expect(staff.permissionsFor(seed.users.bob)!.has('ViewChannel')).toBe(true);
    const alice = await guild.members.fetch(seed.users.alice);
    expect(alice.user.globalName).toBe('Alice');
    const missing = await apiError(guild.members.fetch({ user: '123456789012345678', force: true }));
    expect(missing.code).toBe(10007);
  });

  it('registers commands with ids and versions', async () => {
    const commands = await client.application!.commands.fetch();
    const ticket = commands.find((c) => c.name === 'ticket')!;
    const { id, version } = ticket;
    expect(id).toMatch(/^\d{17,20}$/);
    expect(ticket.options[0]!.name).toBe('category');
    const again = await client.application!.commands.set([{ name: 'ticket', description: 'Open a support ticket' }]);
    expect(again.first()!.id).toBe(id);
    expect(again.first()!.version).not.toBe(version);
  });

  it('answers /ticket with a modal and handles the modal submit with a file upload end to end', async () => {
    const handle = discord.slashCommand({ channelId: seed.channels.support, user: seed.users.alice, name: 'ticket' });
    const callback = await handle.response();
    expect(callback.type).toBe(9);
    expect(handle.modal!.custom_id).toBe('ticket:open');
    const labels = handle.modal!.components as Array<{ type: number; id: number; component: { custom_id: string } }>;
    expect(labels.map((l) => l.type)).toEqual([18, 18, 18, 18]);
    expect(labels.every((l) => Number.isInteger(l.id))).toBe(true);

    const log = Buffer.from('E42: toner overheated\n');
    const submit = await discord.submitModal(
      handle,
      seed.users.alice,
      { category: ['billing'], subject: 'Printer on fire', description: 'It smokes since this morning.' },
      { files: [{ name: 'error log.txt', contentType: 'text/plain', bytes: log }] },
    );
    const data = submit.payload.data as { components: Array<{ type: number; component: Record<string, unknown> }>; resolved: { attachments: Record<string, { filename: string; url: string }> } };
    const fileComponent = data.components[3]!.component;
    expect(fileComponent).toMatchObject({ type: 19, custom_id: 'files' });
    expect(Object.keys(data.resolved.attachments)).toEqual(fileComponent.values);

    expect((await submit.response()).type).toBe(5);
    await vi.waitFor(() => expect(opened.length + botErrors.length).toBe(1));
    expect(botErrors).toEqual([]);
    const ticket = opened[0]!;

    expect(ticket.uploaded).toEqual([{ name: 'error_log.txt', contentType: 'text/plain; charset=utf-8', bytes: log }]);
    const thread = discord.channel(ticket.thread.id) as { type: number; parent_id: string; owner_id: string; thread_metadata: { invitable: boolean; archived: boolean } };
    expect(thread).toMatchObject({ type: 12, parent_id: seed.channels.support, owner_id: discord.botUser.id });
    expect(thread.thread_metadata).toMatchObject({ invitable: false, archived: false });
    expect(discord.threadMembers(ticket.thread.id).sort()).toEqual([discord.botUser.id, seed.users.alice].sort());
    expect(ticket.thread.type).toBe(ChannelType.PrivateThread);
    expect(ticket.thread.invitable).toBe(false);

    const [card] = discord.messagesIn(ticket.thread.id);
    expect(card!.content).toBe('**Printer on fire** (billing)\nIt smokes since this morning.');
    expect(card!.attachments).toHaveLength(1);
    expect(discord.attachmentBytes(card!.attachments[0]!.url)).toEqual(log);
    expect(card!.components?.[0]).toMatchObject({ type: 1, id: 1, components: [{ type: 2, id: 2, custom_id: 'ticket:claim' }] });
    expect(discord.reactionsOn(ticket.thread.id, card!.id)).toEqual({ '🟢': [discord.botUser.id] });
    expect(ticket.card.attachments.first()!.name).toBe('error_log.txt');

    const reply = submit.original()!;
    expect(reply.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(reply.content).toContain(ticket.thread.id);
    expect(discord.messagesIn(seed.channels.support)).toEqual([]);
    expect(discord.ephemeralMessagesFor(seed.users.alice).map((m) => m.id)).toContain(reply.id);

    const again = await fetch(`${discord.apiUrl}/v10/interactions/${submit.id}/${submit.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 4, data: { content: 'twice' } }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ message: 'Interaction has already been acknowledged.', code: 40060 });
  });

  it('delivers a button click with its message and applies the update', async () => {
    const { thread, card } = opened.at(-1)!;
    expect(() => discord.clickButton({ messageId: card.id, channelId: thread.id, customId: 'ticket:claim', user: seed.users.bob })).toThrow(
      /cannot see channel/,
    );
    const click = discord.clickButton({ messageId: card.id, channelId: thread.id, customId: 'ticket:claim', user: seed.users.erin });
    expect((click.payload.message as { id: string }).id).toBe(card.id);
    expect((await click.response()).type).toBe(7);
    const updated = discord.message(thread.id, card.id)!;
    expect(updated.content).toMatch(/Claimed by erin$/);
    expect(updated.components).toEqual([]);
    expect(updated.edited_timestamp).not.toBeNull();
  });

  it('adds mentioned role members to a private thread only when allowed_mentions and the role allow it', async () => {
    const { thread } = opened.at(-1)!;
    const update = nextEvent<[unknown, unknown, ThreadChannel]>(Events.ThreadMembersUpdate, (_a, _r, t) => t.id === thread.id);
    await thread.send({ content: `<@&${seed.roles.agents}> <@&${seed.roles.moderators}> (quiet)`, allowedMentions: { parse: [] } });
    expect(discord.threadMembers(thread.id)).not.toContain(seed.users.bob);
    await thread.send({ content: `<@&${seed.roles.moderators}> ping`, allowedMentions: { roles: [seed.roles.moderators] } });
    expect(discord.threadMembers(thread.id)).not.toContain(seed.users.erin);
    await thread.send({ content: `<@&${seed.roles.agents}> new ticket`, allowedMentions: { roles: [seed.roles.agents] } });
    expect(discord.threadMembers(thread.id)).toEqual(expect.arrayContaining([seed.users.bob, seed.users.carol]));
    const [added] = await update;
    expect([...(added as Map<string, unknown>).keys()].sort()).toEqual([seed.users.bob, seed.users.carol].sort());
    const last = discord.messagesIn(thread.id).at(-1)!;
    expect(last.mention_roles).toEqual([seed.roles.agents]);
    await thread.send({ content: `<@${seed.users.erin}> <@${seed.users.dave}> please look`, allowedMentions: { users: [seed.users.erin] } });
    expect(discord.threadMembers(thread.id)).toContain(seed.users.erin);
    expect(discord.threadMembers(thread.id)).not.toContain(seed.users.dave);
    expect(discord.messagesIn(thread.id).at(-1)!.mentions.map((u) => u.id)).toEqual([seed.users.erin]);
  });

  it('covers the rest of the REST surface: guild commands, replies with response, follow-ups, lists and fetches', async () => {
    const guild = client.guilds.cache.get(seed.guildId)!;
    await guild.commands.set([{ name: 'status', description: 'Ticket status', options: [{ type: 6, name: 'user', description: 'Whose', required: true }] }]);
    expect(() => discord.slashCommand({ channelId: seed.channels.support, user: seed.users.bob, name: 'status' })).toThrow(/required/);
    const handle = discord.slashCommand({ channelId: seed.channels.support, user: seed.users.bob, name: 'status', options: { user: seed.users.alice }, locale: 'de' });
    expect(handle.payload).toMatchObject({ type: 2, guild_id: seed.guildId, locale: 'de', entitlements: [], authorizing_integration_owners: { '0': seed.guildId } });
    await vi.waitFor(() => expect(statusRuns.length + botErrors.length).toBe(1));
    expect(botErrors).toEqual([]);
    const run = statusRuns[0]!;
    const original = handle.original()!;
    expect(run).toMatchObject({ responseMessageId: original.id, fetchedId: original.id, memberId: seed.users.alice, locale: 'de' });
    expect(original.content).toBe('Status for alice: open');
    expect(original).toMatchObject({ type: 20, webhook_id: discord.applicationId, interaction_metadata: { id: handle.id, type: 2 } });
    expect(handle.followUps().map((m) => [m.id, m.flags])).toEqual([[run.followUpId, MessageFlags.Ephemeral]]);
    expect(discord.messagesIn(seed.channels.support).map((m) => m.id)).toContain(original.id);

    const fetchedGuild = await guild.fetch();
    expect(fetchedGuild.approximateMemberCount).toBe(7);
    expect((await guild.channels.fetch()).size).toBe(2);
    expect((await guild.roles.fetch()).size).toBe(4);
    expect((await guild.members.search({ query: 'ali' })).map((m) => m.id)).toEqual([seed.users.alice]);
    expect((await guild.members.list({ limit: 100 })).size).toBe(7);
    expect((await client.users.fetch(seed.users.carol, { force: true })).username).toBe('carol');
    expect((await client.application!.fetch()).bot?.id).toBe(discord.botUser.id);

    const { thread, card } = opened.at(-1)!;
    const members = await thread.members.fetch();
    expect([...members.keys()].sort()).toEqual(discord.threadMembers(thread.id).sort());
    const aliceInThread = await thread.members.fetch({ member: seed.users.alice, withMember: true });
    expect(aliceInThread.guildMember?.id).toBe(seed.users.alice);
    await thread.members.remove(seed.users.carol);
    expect(discord.threadMembers(thread.id)).not.toContain(seed.users.carol);
    const active = await guild.channels.fetchActiveThreads();
    expect(active.threads.has(thread.id)).toBe(true);
    const reactors = await card.reactions.resolve('🟢')!.users.fetch();
    expect([...reactors.keys()]).toEqual([discord.botUser.id]);
    await card.pin();
    const pins = await thread.messages.fetchPins();
    expect(pins.items.map((p) => p.message.id)).toEqual([card.id]);
    expect(discord.messagesIn(thread.id).at(-1)!.type).toBe(6);
    const temp = await thread.send('temporary');
    const edited = await temp.edit({ content: 'edited <@&' + seed.roles.agents + '>', allowedMentions: { parse: [] } });
    expect([edited.content, edited.editedTimestamp !== null, edited.mentions.roles.size]).toEqual([`edited <@&${seed.roles.agents}>`, true, 0]);
    await temp.delete();
    expect(discord.message(thread.id, temp.id)).toBeUndefined();

    const me = (await client.rest.get(Routes.user())) as { id: string; bot: boolean };
    expect(me).toMatchObject({ id: discord.botUser.id, bot: true });
    expect(await client.rest.get(Routes.oauth2CurrentApplication())).toMatchObject({ id: discord.applicationId });
    expect(await client.rest.get(Routes.gateway())).toEqual({ url: discord.gatewayUrl });
    expect(await client.rest.get(Routes.channel(thread.id))).toMatchObject({ id: thread.id, member: { user_id: discord.botUser.id } });
    expect(await client.rest.get(Routes.channel(seed.channels.staff))).toMatchObject({ type: 0, permission_overwrites: expect.any(Array) });
    expect(await client.rest.get(Routes.threadMembers(thread.id, seed.users.alice))).toMatchObject({ user_id: seed.users.alice });
    expect(await client.rest.get(Routes.guildMember(seed.guildId, seed.users.bob))).toMatchObject({ roles: [seed.roles.agents] });
    expect(await client.rest.get(Routes.channelThreads(seed.channels.support, 'public'))).toEqual({ threads: [], members: [], has_more: false });
    expect(await client.rest.get(Routes.channelThreads(seed.channels.support, 'private'))).toMatchObject({ threads: [], has_more: false });
    expect(await client.rest.get(Routes.userGuilds())).toEqual([expect.objectContaining({ id: seed.guildId })]);
  });

  it('answers a legacy action-row modal and a select menu, and follows user edits and deletions', async () => {
    const guild = client.guilds.cache.get(seed.guildId)!;
    await guild.commands.create({ name: 'feedback', description: 'Send feedback' });
    const handle = discord.slashCommand({ channelId: seed.channels.support, user: seed.users.alice, name: 'feedback' });
    expect((await handle.response()).type).toBe(9);
    expect(handle.modal!.components).toMatchObject([{ type: 1, id: 1, components: [{ type: 4, id: 2, custom_id: 'text' }] }]);
    await expect(discord.submitModal(handle, seed.users.alice, {})).rejects.toThrow(/required/);
    await expect(discord.submitModal(handle, seed.users.alice, { text: 'ok', other: 'x' })).rejects.toThrow(/no input other/);
    const submit = await discord.submitModal(handle, seed.users.alice, { text: 'Great support' });
    expect(submit.payload.data).toEqual({ custom_id: 'feedback', components: [{ type: 1, id: 1, components: [{ type: 4, id: 2, custom_id: 'text', value: 'Great support' }] }] });
    expect((await submit.response()).type).toBe(4);
    const thanks = submit.original()!;
    expect(thanks.content).toBe('Thanks: Great support');
    const pick = discord.selectMenu({ message: thanks, customId: 'rating', user: seed.users.alice, values: ['5'] });
    expect(() => discord.selectMenu({ message: thanks, customId: 'rating', user: seed.users.bob, values: ['5'] })).toThrow(/ephemeral/);
    expect((await pick.response()).type).toBe(6);
    expect(pick.original()!.id).toBe(thanks.id);

    const posted = discord.userMessage({ channelId: seed.channels.support, user: seed.users.bob, content: 'first draft' });
    const replied = discord.userMessage({ channelId: seed.channels.support, user: seed.users.alice, content: 'answer', reference: posted.id });
    expect(replied).toMatchObject({ type: 19, message_reference: { message_id: posted.id }, referenced_message: { id: posted.id }, mentions: [{ id: seed.users.bob }] });
    const updated = nextEvent<[Message | { id: string }, Message]>(Events.MessageUpdate, (_o, n) => n.id === posted.id);
    discord.editUserMessage(seed.channels.support, posted.id, 'final text');
    expect((await updated)[1].content).toBe('final text');
    const deleted = nextEvent<[Message | { id: string }]>(Events.MessageDelete, (m) => m.id === posted.id);
    discord.deleteUserMessage(seed.channels.support, posted.id);
    await deleted;
  });

  it('DMs a user, and refuses users whose DMs are closed with 50007', async () => {
    const alice = await client.users.fetch(seed.users.alice);
    const sent = await alice.send('An agent answered your ticket.');
    expect(discord.dmsTo(seed.users.alice).map((m) => m.content)).toEqual(['An agent answered your ticket.']);
    expect(sent.channel.type).toBe(ChannelType.DM);
    const dave = await client.users.fetch(seed.users.dave);
    const error = await apiError(dave.send('hello'));
    expect(error.status).toBe(403);
    expect(error.code).toBe(50007);
  });

  it('sees user messages with attachments and downloads them; DMs to the bot arrive too', async () => {
    const { thread } = opened.at(-1)!;
    const seen = nextEvent<[Message]>(Events.MessageCreate, (m) => m.content === 'Here is a screenshot');
    const posted = discord.userMessage({
      channelId: thread.id,
      user: seed.users.alice,
      content: 'Here is a screenshot',
      attachments: [{ name: 'shot.png', contentType: 'image/png', bytes: PNG }],
    });
    const [message] = await seen;
    expect(message.id).toBe(posted.id);
    expect(message.member!.id).toBe(seed.users.alice);
    const attachment = message.attachments.first()!;
    expect(attachment.contentType).toBe('image/png');
    expect([attachment.width, attachment.height]).toEqual([2, 3]);
    const download = await fetch(attachment.url);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PNG);
    discord.expireAttachmentUrls();
    expect((await fetch(attachment.url)).status).toBe(404);
    expect(discord.attachmentBytes(attachment.url)).toEqual(PNG);
    const refreshed = await thread.messages.fetch({ message: message.id, force: true });
    expect((await fetch(refreshed.attachments.first()!.url)).status).toBe(200);

    const dm = nextEvent<[Message]>(Events.MessageCreate, (m) => m.content === 'any news?');
    discord.userDm({ user: seed.users.alice, content: 'any news?' });
    const [dmMessage] = await dm;
    expect(dmMessage.channel.type).toBe(ChannelType.DM);
    expect(dmMessage.guildId).toBeNull();
  });

  it('enforces archived threads (50083), unarchives on post, and locks out non-moderators', async () => {
    const { thread, card } = opened.at(-1)!;
    await thread.setArchived(true);
    expect((discord.channel(thread.id) as { thread_metadata: { archived: boolean } }).thread_metadata.archived).toBe(true);
    expect((await apiError(card.react('✅'))).code).toBe(50083);
    expect((await apiError(card.edit('edited'))).code).toBe(50083);
    expect((await apiError(thread.setName('renamed'))).code).toBe(50083);
    const unarchived = nextEvent<[ThreadChannel, ThreadChannel]>(Events.ThreadUpdate, (_o, n) => n.id === thread.id && !n.archived);
    await thread.send('Reopened by the bot');
    await unarchived;
    discord.archiveThreadByHand(thread.id, { locked: true });
    expect(() => discord.userMessage({ channelId: thread.id, user: seed.users.alice, content: 'let me in' })).toThrow(/Thread is archived/);
    const support = client.channels.cache.get(seed.channels.support) as TextChannel;
    const archived = await support.threads.fetchArchived({ type: 'private' });
    expect([...archived.threads.keys()]).toEqual([thread.id]);
    await thread.setArchived(false);
    expect((discord.channel(thread.id) as { thread_metadata: { locked: boolean } }).thread_metadata.locked).toBe(true);
  });

  it('answers Discord errors: 50035 with errors, 50006, 50013 on a denied permission, 10003, 10008, 10014', async () => {
    const support = client.channels.cache.get(seed.channels.support) as TextChannel;
    const badType = await apiError(client.rest.post(Routes.threads(support.id), { body: { name: 'bad', type: 99 } }));
    expect(badType.rawError).toMatchObject({ code: 50035, errors: { type: { _errors: [{ code: 'BASE_TYPE_CHOICES' }] } } });
    const long = await apiError(support.send('x'.repeat(2001)));
    expect(long.code).toBe(50035);
    expect(long.rawError).toMatchObject({ errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
    expect((await apiError(client.rest.post(Routes.channelMessages(support.id), { body: { content: '  ' } }))).code).toBe(50006);
    discord.denyBotPermission(support.id, 'CreatePrivateThreads');
    const denied = await apiError(support.threads.create({ name: 'nope', type: ChannelType.PrivateThread }));
    expect([denied.status, denied.code]).toEqual([403, 50013]);
    discord.restoreBotPermission(support.id, 'CreatePrivateThreads');
    expect((await apiError(client.rest.get(Routes.channel('111111111111111111')))).code).toBe(10003);
    const hidden = discord.createChannel(seed.guildId, {
      name: 'hidden',
      overwrites: [{ id: seed.guildId, type: 0, allow: 0n, deny: PermissionFlagsBits.ViewChannel }],
    });
    expect((await apiError(client.rest.get(Routes.channel(hidden)))).code).toBe(50001);
    expect((await apiError(support.messages.fetch('111111111111111111'))).code).toBe(10008);
    const note = await support.send('note');
    expect((await apiError(note.react('lock'))).code).toBe(10014);
    const fetched = await support.messages.fetch({ limit: 10 });
    expect(fetched.first()!.id).toBe(note.id);
    const scratch = await support.threads.create({ name: 'rename me', type: ChannelType.PublicThread });
    const rename = (name: string) =>
      fetch(`${discord.apiUrl}/v10/channels/${scratch.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
    expect([(await rename('one')).status, (await rename('two')).status]).toEqual([200, 200]);
    const third = await rename('three');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(590);
    expect(((await third.json()) as { retry_after: number }).retry_after).toBeGreaterThan(590);
    const history = discord.createChannel(seed.guildId, { name: 'history' });
    const channel = (await client.channels.fetch(history)) as TextChannel;
    for (const n of [1, 2, 3, 4, 5]) await channel.send(`message ${n}`);
    const ids = discord.messagesIn(history).map((m) => m.id);
    const around = await channel.messages.fetch({ around: ids[2]!, limit: 3 });
    expect([...around.keys()]).toEqual([ids[3], ids[2], ids[1]]);
    const after = await channel.messages.fetch({ after: ids[0]!, limit: 2 });
    expect([...after.keys()]).toEqual([ids[2], ids[1]]);
  });

  it('survives a 429 injected once: discord.js waits Retry-After and retries', async () => {
    const { thread } = opened.at(-1)!;
    const fault = discord.injectFault({ method: 'POST', path: /\/channels\/\d+\/messages$/, status: 429, retryAfter: 0.2 });
    let rateLimited = 0;
    client.rest.once(RESTEvents.RateLimited, () => (rateLimited += 1));
    const started = Date.now();
    const message = await thread.send('after the rate limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(fault.hits).toBe(1);
    expect(rateLimited).toBe(1);
    const attempts = discord.callsTo('POST', new RegExp(`/channels/${thread.id}/messages$`)).slice(-2);
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[0]!.response).toEqual({ message: 'You are being rate limited.', retry_after: 0.2, global: false });
    expect(discord.messagesIn(thread.id).at(-1)!.id).toBe(message.id);
  });

  it('retries a 500 like Discord clients do, and sees a thread deleted by hand', async () => {
    const support = client.channels.cache.get(seed.channels.support) as TextChannel;
    const fault = discord.injectFault({ method: 'POST', path: /\/threads$/, status: 500 });
    const scratch = await support.threads.create({ name: 'scratch', type: ChannelType.PrivateThread, invitable: false });
    expect(fault.hits).toBe(1);
    expect(discord.callsTo('POST', /\/threads$/).slice(-2).map((c) => c.status)).toEqual([500, 201]);
    const gone = nextEvent<[ThreadChannel]>(Events.ThreadDelete, (t) => t.id === scratch.id);
    discord.deleteThreadByHand(scratch.id);
    await gone;
    expect(discord.channel(scratch.id)).toBeUndefined();
    expect((await apiError(scratch.send('anyone?'))).code).toBe(10003);
  });

  it('RESUMEs after a resumable drop and replays the event it missed', async () => {
    const identifies = discord.identifies.length;
    const resumed = discord.waitForResumed();
    const missed = nextEvent<[Message]>(Events.MessageCreate, (m) => m.content === 'sent while you were away', 4000);
    await discord.whileDisconnected(() => {
      discord.userMessage({ channelId: seed.channels.support, user: seed.users.bob, content: 'sent while you were away' });
    }, { resumable: true });
    await resumed;
    await missed;
    expect(discord.identifies.length).toBe(identifies);
    const resumeLog = discord.gatewayLog.filter((e) => e.kind === 'resumed').at(-1)!;
    expect(resumeLog.detail).toBe('replayed=1');
    expect(discord.gatewayLog.filter((e) => e.kind === 'connect').at(-1)!.detail).toMatch(/^\/gateway-resume\?v=10&encoding=json$/);
  });

  it('answers a RESUME after a non-resumable drop with INVALID_SESSION: the client IDENTIFYs again and the event is lost', async () => {
    const identifies = discord.identifies.length;
    const identified = discord.waitForIdentify();
    await discord.whileDisconnected(() => {
      discord.userMessage({ channelId: seed.channels.support, user: seed.users.bob, content: 'lost in the void' });
    }, { resumable: false });
    await identified;
    expect(discord.identifies.length).toBe(identifies + 1);
    expect(discord.gatewayLog.some((e) => e.kind === 'invalid-session')).toBe(true);
    const after = nextEvent<[Message]>(Events.MessageCreate, (m) => m.content === 'back online');
    discord.userMessage({ channelId: seed.channels.support, user: seed.users.bob, content: 'back online' });
    await after;
    expect(received.map((m) => m.content)).not.toContain('lost in the void');
  });

  it('hides message content without the MessageContent intent and refuses privileged intents not enabled', async () => {
    const other = await FakeDiscord.start({ privilegedIntents: { messageContent: false } });
    const plain = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: other.apiUrl } });
    const greedy = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent], rest: { api: other.apiUrl } });
    try {
      const s = other.seedGuild({ channels: { general: {} }, users: { u: {} } });
      const ready = new Promise((resolve) => plain.once(Events.ClientReady, resolve));
      await plain.login(other.token);
      await ready;
      const seen: Message[] = [];
      plain.on(Events.MessageCreate, (m) => seen.push(m));
      other.userMessage({ channelId: s.channels.general, user: s.users.u, content: 'secret', attachments: [{ name: 'a.txt', bytes: Buffer.from('a') }] });
      other.userMessage({ channelId: s.channels.general, user: s.users.u, content: `<@${other.botUser.id}> hello` });
      await vi.waitFor(() => expect(seen).toHaveLength(2));
      expect([seen[0]!.content, seen[0]!.attachments.size]).toEqual(['', 0]);
      expect(seen[1]!.content).toBe(`<@${other.botUser.id}> hello`);
      const disconnected = new Promise<{ code: number }>((resolve) => greedy.once(Events.ShardDisconnect, (event) => resolve(event)));
      void greedy.login(other.token).catch(() => undefined);
      expect((await disconnected).code).toBe(4014);
      expect(other.gatewayLog.some((e) => e.kind === 'server-close' && e.code === 4014)).toBe(true);
    } finally {
      await plain.destroy();
      await greedy.destroy();
      await other.stop();
    }
  });

  it('rejects wrong tokens, records unknown routes, and expires interactions after 3 s', async () => {
    const wrong = await fetch(`${discord.apiUrl}/v10/users/@me`, { headers: { authorization: 'Bot nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ message: '401: Unauthorized', code: 0 });
    const unknown = await fetch(`${discord.apiUrl}/v10/guilds/${seed.guildId}/invites`, { headers: { authorization: `Bot ${discord.token}` } });
    expect(unknown.status).toBe(404);
    expect(discord.unknownRouteCalls().map((c) => c.path)).toContain(`/api/v10/guilds/${seed.guildId}/invites`);

    const quick = await FakeDiscord.start({ interactionTimeoutMs: 100 });
    try {
      const s = quick.seedGuild({ channels: { general: {} }, users: { u: {} } });
      await fetch(`${quick.apiUrl}/v10/applications/${quick.applicationId}/commands`, {
        method: 'PUT',
        headers: { authorization: `Bot ${quick.token}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ name: 'ping', description: 'Ping' }]),
      });
      const late = quick.slashCommand({ channelId: s.channels.general, user: s.users.u, name: 'ping' });
      await new Promise((r) => setTimeout(r, 150));
      const answer = await fetch(`${quick.apiUrl}/v10/interactions/${late.id}/${late.token}/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 4, data: { content: 'pong' } }),
      });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual({ message: 'Unknown interaction', code: 10062 });
    } finally {
      await quick.stop();
    }
  });

  it.skipIf(!CHECKER_MODULES)('records calls that pass check-discord-calls against the OpenAPI spec (and fails on a bad one)', () => {
    const modules = CHECKER_MODULES!;
    const file = join(mkdtempSync(join(tmpdir(), 'discord-calls-')), 'calls.json');
    discord.writeCalls(file);
    if (process.env.DISCORD_CALLS_FILE) discord.writeCalls(process.env.DISCORD_CALLS_FILE);
    const run = spawnSync(process.execPath, [CHECKER, file, SPEC], { env: { ...process.env, NODE_PATH: modules }, encoding: 'utf8' });
    const lines = run.stdout.split('\n');
    // The only body the spec refuses is the thread of type 99 that the fake refused too (400, 50035).
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([expect.stringMatching(/^FAIL request {2}POST \/channels\/\{channel_id\}\/threads .*\/type/)]);
    expect(run.status).toBe(1);
    const ok = lines.filter((l) => l.startsWith('OK'));
    expect(ok.length).toBeGreaterThan(60);
    for (const operation of ['create_thread', 'create_message', 'create_interaction_response', 'update_original_webhook_message', 'execute_webhook', 'create_dm', 'list_thread_members', 'get_guild']) {
      expect(ok.some((l) => l.includes(`(${operation})`))).toBe(true);
    }
  });
});
