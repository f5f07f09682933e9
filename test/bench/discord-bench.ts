import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommands } from '../../adapters/discord/deploy-commands.js';
import { FakeDiscord, type RecordedCall } from '../fakes/discord/index.js';
import { rawDeskConfig, seedSupportGuild } from '../helpers/discord-world.js';
import { INTENTS } from '../../adapters/discord/client-options.js';
import { figuresOf, type BenchOptions, type Figures } from './figures.js';
import { floorLatencies, runPacedFloor } from './paced-floor.js';
import { BENCH_SUBJECT, createBenchDatabase, floorMessageWrite, inParallel, percentile, request, send, sleep, startBotProcess, until, activityLine, warmUp, WARM_UP_SUBJECT, type BenchDatabase } from './support.js';

type Json = Record<string, unknown>;

/** The global request limit the bot is given against the fake (see the report). */
export const DISCORD_REQUESTS_PER_SECOND = 100_000;

/** The parts of the bot's calls the floor sends again. */
interface Template {
  modal: Json;
  thread: Json;
  card: Json;
  answer: Json;
  logPost: Json;
}

/**
 * The real bot (`src/main.ts`, discord.js) against the fake Discord: members open tickets through /ticket and its
 * modal, then talk in the ticket threads (staff answers mirrored to the requester by DM), at full speed and paced;
 * then the floor does the same platform calls and database writes without the bot.
 */
export async function benchDiscord(options: BenchOptions, kind: 'sqlite' | 'postgres', postgresUrl: string | null): Promise<Figures> {
  const discord = await FakeDiscord.start({ interactionTimeoutMs: 60_000 });
  const seed = seedSupportGuild(discord);
  const members = Array.from({ length: options.members }, (_, i) => {
    const user = discord.createUser({ username: `member${i}`, globalName: `Member ${i}` });
    discord.addMember(seed.guildId, user.id);
    return user.id;
  });
  const agent = seed.users.anna;
  const dir = mkdtempSync(join(tmpdir(), 'bench-discord-'));
  const perUser = Math.ceil((options.tickets + options.warmup) / options.members) + 1;
  writeFileSync(join(dir, 'support.json'), JSON.stringify(rawDeskConfig(seed, { limits: { maxOpenPerUser: Math.min(100, perUser), cooldownSeconds: 0 }, categoriesWithoutQuestions: false })));
  await deployCommands({ token: discord.token, applicationId: discord.applicationId, apiUrl: discord.apiUrl, commandGuildId: seed.guildId });
  const database = await createBenchDatabase(kind, postgresUrl);
  const floorDatabase = await createBenchDatabase(kind, postgresUrl);
  const bot = startBotProcess({
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    // The fake has no global limit; Discord's own is 50 requests a second unless it raises it for a bot.
    DISCORD_REQUESTS_PER_SECOND: String(DISCORD_REQUESTS_PER_SECOND),
    SUPPORT_CONFIG: join(dir, 'support.json'),
    DATABASE_URL: database.url,
    ATTACHMENTS_DIR: join(dir, 'attachments'),
  });
  try {
    await bot.ready('connected to Discord');
    const rssAtStart = bot.rss();
    const origin = new URL(discord.apiUrl).origin;
    const auth = { authorization: `Bot ${discord.token}` };

    // Openings: each member lane runs /ticket, gets the modal, sends it, and waits for "ticket … is open".
    const open = async (subjects: readonly string[], opened?: Array<{ subject: string; user: string; token: string; at: number }>) =>
      inParallel(subjects, options.concurrency, async (subject, i) => {
        const user = members[i % members.length]!;
        const command = discord.slashCommand({ channelId: seed.channels.general, user, name: 'ticket', options: { category: 'billing' } });
        const at = Date.now();
        const submit = await discord.submitModal(command, user, { subject, description: `Description of ${subject}`, 'q:order': `A-${i}` });
        opened?.push({ subject, user, token: submit.token, at });
        // The answer: a reply in the interaction's one callback, or (an opening slower than 1.5 s) the edit of a deferred
        // one. The callback is waited for on the interaction itself: looking through every call the fake recorded, for
        // each opening, took 13% of the fake's CPU in the ticket phase, and made it slower to answer the bot.
        const callback = await submit.response(60_000);
        if (callback.type !== 4) await discord.waitForCall((c) => c.method === 'PATCH' && c.path.includes(submit.token), 60_000);
      });

    // 0. The warm-up (see warmUp), not measured.
    const warmup = await warmUp(
      options,
      QUIET_MS,
      async (subjects) => {
        await open(subjects);
        await quiet(discord);
      },
      async (rounds) => {
        const tickets = [...(await ticketRows(database, `${WARM_UP_SUBJECT}%`)).values()];
        for (let k = 0; k < rounds; k++) {
          for (const t of tickets) discord.userMessage({ channelId: t.threadId, user: k % 2 === 1 ? agent : t.requesterId, content: `w${t.number}-${k}` });
          await sleep(0);
        }
        await until(async () => (await database.count('ticket_messages', "body LIKE 'w%'")) >= rounds * tickets.length, 'the warm-up messages to be stored', 300_000, 20);
        await quiet(discord);
      },
    );
    discord.clearCalls();

    // 1. Tickets, measured.
    const subjects = Array.from({ length: options.tickets }, (_, i) => `${BENCH_SUBJECT}${i}`);
    const opened: Array<{ subject: string; user: string; token: string; at: number }> = [];
    const cpuBeforeTickets = bot.cpuMs();
    const diskBeforeTickets = bot.diskBytes();
    const ticketsStart = Date.now();
    await open(subjects, opened);
    await quiet(discord);
    const ticketSeconds = (Date.now() - ticketsStart - QUIET_MS) / 1000;
    const cpuPerTicketMs = (bot.cpuMs() - cpuBeforeTickets) / options.tickets;
    const rssWithOpenTickets = bot.rss();
    const tickets = await ticketRows(database, `${BENCH_SUBJECT}%`);
    if (tickets.size !== options.tickets) throw new Error(`${tickets.size} tickets opened, not ${options.tickets}`);
    const lastCall = lastCallFor(discord.calls);
    const ticketLatencies = opened.map((o) => lastCall(tickets.get(o.subject)!, o.token) - o.at);
    if (process.env.BENCH_DEBUG) {
      if (kind === 'sqlite') process.stdout.write(`disk written per ticket: ${((bot.diskBytes() - diskBeforeTickets) / 1024 / options.tickets).toFixed(1)} KiB\n`);
      const creates = discord.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/threads')).map((c) => c.at);
      // Thread creations in one channel are one rate-limit bucket, which discord.js sends one after another: how
      // long the fake took to answer each, and how long the bot took from that answer to sending the next one.
      const threadCalls = discord.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/threads'));
      const service = threadCalls.map((c) => c.answeredAt! - c.readAt!);
      const turnaround = threadCalls.slice(1).map((c, i) => c.readAt! - threadCalls[i]!.answeredAt!);
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      process.stdout.write(
        `thread creations, the fake's answer: p50 ${percentile(service, 50).toFixed(2)} ms, mean ${mean(service).toFixed(2)} ms; ` +
          `from it to the bot's next: p50 ${percentile(turnaround, 50).toFixed(2)} ms, p90 ${percentile(turnaround, 90).toFixed(2)} ms, mean ${mean(turnaround).toFixed(2)} ms\n`,
      );
      const gaps = creates.slice(1).map((at, i) => at - creates[i]!);
      process.stdout.write(`thread creations: ${creates.length}, gap p50 ${percentile(gaps, 50)} ms, p90 ${percentile(gaps, 90)} ms, total span ${creates.at(-1)! - creates[0]!} ms\n`);
      for (const o of opened.slice(100, 103)) {
        const t = tickets.get(o.subject)!;
        const mine = discord.calls.filter((c) => c.path.includes(o.token) || c.path.includes(`/channels/${t.threadId}/`) || (c.method === 'POST' && c.path.endsWith('/threads') && JSON.stringify(c.body).includes(label(t.number))));
        process.stdout.write(`${o.subject}: ${mine.map((c) => `${c.method} ${c.path.replace(/^\/api\/v10/, '').replace(/\d{17,}/g, '#').slice(0, 40)} +${c.at - o.at}`).join(', ')}\n`);
      }
    }
    const template = templateFrom(discord.calls);
    discord.clearCalls();

    // 2. Messages at full speed: each ticket gets requester, agent, requester, agent, … in turn.
    const rows = [...tickets.values()];
    const perTicket = Math.max(1, Math.round(options.messages / rows.length));
    const sent: Array<{ ticket: TicketRow; k: number; body: string; agent: boolean; at: number }> = [];
    // BENCH_DEBUG on PostgreSQL: what the server did for the burst, per message.
    const activityBefore = process.env.BENCH_DEBUG ? await database.activity?.() : undefined;
    const cpuBeforeMessages = bot.cpuMs();
    const diskBeforeMessages = bot.diskBytes();
    const writesBeforeMessages = bot.writeCalls();
    const messagesStart = Date.now();
    for (let k = 0; k < perTicket; k++) {
      for (const ticket of rows) {
        const agentTurn = k % 2 === 1;
        const body = `m${ticket.number}-${k}`;
        sent.push({ ticket, k, body, agent: agentTurn, at: Date.now() });
        discord.userMessage({ channelId: ticket.threadId, user: agentTurn ? agent : ticket.requesterId, content: body });
      }
      // Let the gateway socket drain a little, as Discord paces its dispatches per shard.
      await sleep(0);
    }
    // Counted as calls come (a cursor), so watching the burst costs the fake's process next to nothing.
    let dmsSeen = 0;
    let dmCursor = 0;
    const dmCount = (calls: readonly RecordedCall[]) => {
      for (; dmCursor < calls.length; dmCursor++) if (calls[dmCursor]!.method === 'POST' && isDmPost(calls[dmCursor]!)) dmsSeen++;
      return dmsSeen;
    };
    const expectedDms = sent.filter((s) => s.agent).length;
    // The calls first (in memory): the database is counted only once every copy was seen, so the bench's own
    // count (a scan of every message) does not run beside the bot during the burst it measures.
    await until(async () => dmCount(discord.calls) >= expectedDms && (await database.count('ticket_messages', "body LIKE 'm%'")) >= sent.length, 'the burst to be stored and mirrored', 300_000, 20);
    const messageSeconds = (Date.now() - messagesStart) / 1000;
    const cpuPerMessageMs = (bot.cpuMs() - cpuBeforeMessages) / sent.length;
    await quiet(discord);
    if (process.env.BENCH_DEBUG && kind === 'sqlite') process.stdout.write(`disk written per burst message: ${((bot.diskBytes() - diskBeforeMessages) / 1024 / sent.length).toFixed(1)} KiB\n`);
    if (process.env.BENCH_DEBUG) process.stdout.write(`write system calls per burst message: ${((bot.writeCalls() - writesBeforeMessages) / sent.length).toFixed(2)}\n`);
    if (activityBefore) {
      // The CPU now (the pool closes idle connections, and their CPU goes with them), the statistics once sent.
      const { serverCpuMs } = await database.activity!();
      await sleep(11_000);
      process.stdout.write(activityLine(activityBefore, { ...(await database.activity!()), serverCpuMs }, sent.length, 'burst message'));
    }
    const burstCalls = [...discord.calls];
    if (process.env.BENCH_DEBUG) {
      const perRoute = new Map<string, number>();
      for (const c of burstCalls) {
        const route = `${c.method} ${c.path.replace(/^\/api\/v10/, '').replace(/\d{17,}/g, '#').replace(/reactions\/[^/]+/, 'reactions/…')}`;
        perRoute.set(route, (perRoute.get(route) ?? 0) + 1);
      }
      process.stdout.write(`burst calls per message: ${[...perRoute].map(([route, n]) => `${route} ${(n / sent.length).toFixed(2)}`).join(', ')}\n`);
    }
    const burstLatencies = sent.filter((s) => s.agent).map((s) => dmOf(burstCalls, s.body)!.at - s.at);
    const check = await checkMessages(database, discord.calls, sent);
    discord.clearCalls();

    // The burst's backlog is gone: paced messages meet an idle bot.
    await bot.idle();
    // 3. Paced: one message every few milliseconds, each to another ticket; the time from event to last call.
    const paced: Array<{ ticket: TicketRow; body: string; agent: boolean; at: number }> = [];
    const diskBeforePaced = bot.diskBytes();
    for (let i = 0; i < options.paced; i++) {
      const ticket = rows[i % rows.length]!;
      const round = Math.floor(i / rows.length) + perTicket;
      const agentTurn = round % 2 === 1;
      const body = `p${ticket.number}-${round}`;
      paced.push({ ticket, body, agent: agentTurn, at: Date.now() });
      discord.userMessage({ channelId: ticket.threadId, user: agentTurn ? agent : ticket.requesterId, content: body });
      await sleep(1000 / options.pacedRate);
    }
    await until(async () => (await database.count('ticket_messages', "body LIKE 'p%'")) >= paced.length, 'the paced messages to be stored', 60_000, 20);
    await quiet(discord);
    if (process.env.BENCH_DEBUG && kind === 'sqlite') process.stdout.write(`disk written per paced message: ${((bot.diskBytes() - diskBeforePaced) / 1024 / paced.length).toFixed(1)} KiB\n`);
    const pacedCalls: RecordedCall[][] = [];
    const pacedLatencies = paced.map((p, i) => {
      // Up to the next paced message to the same ticket (when there are more paced messages than tickets).
      const until = paced.slice(i + 1).find((q) => q.ticket === p.ticket)?.at ?? Infinity;
      const related = discord.calls.filter((c) => c.at >= p.at && c.at < until && (c.path.includes(`/channels/${p.ticket.threadId}/`) || (p.agent && isDmPost(c) && dmBody(c) === p.body)));
      pacedCalls.push(related);
      if (process.env.BENCH_DEBUG) process.stdout.write(`${p.body} ${p.agent ? 'agent' : 'requester'} at ${p.at}: ${related.map((c) => `${c.method} ${c.path.replace(/^\/api\/v10/, '')} +${c.at - p.at}`).join(', ')}\n`);
      return Math.max(...related.map((c) => c.at)) - p.at;
    });
    const pacedCheck = await checkMessages(database, discord.calls, paced.map((p, i) => ({ ...p, k: perTicket + Math.floor(i / rows.length) })));
    const peakRss = bot.peakRss();
    const errors = bot.errors();
    await bot.stop();

    // 4. The floor: the same calls and writes, without the bot, on the same fake and a database of its own.
    const floor = await discordFloor(discord, seed, members, floorDatabase, template, options, burstCalls, sent.length, origin, auth, {
      messages: paced.map((p, i) => ({ threadId: p.ticket.threadId, user: p.agent ? agent : p.ticket.requesterId, calls: pacedCalls[i]! })),
    });
    return figuresOf({
      platform: 'discord',
      database: kind,
      tickets: options.tickets,
      ticketSeconds,
      ticketLatencies,
      messages: sent.length,
      messageSeconds,
      burstLatencies,
      pacedLatencies,
      cpuPerTicketMs,
      cpuPerMessageMs,
      floor,
      peakRss,
      rssAtStart,
      rssWithOpenTickets,
      checks: [check, pacedCheck],
      errors,
      warmUp: warmup,
    });
  } finally {
    bot.child.kill('SIGKILL');
    await discord.stop();
    await database.drop();
    await floorDatabase.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const QUIET_MS = 300;

/** Waits until the bot has made no call for a moment: what an event set off has all gone out. */
async function quiet(discord: FakeDiscord): Promise<void> {
  let seen = -1;
  for (;;) {
    const count = discord.calls.length;
    if (count === seen) return;
    seen = count;
    await sleep(QUIET_MS);
  }
}

interface TicketRow {
  id: number;
  number: number;
  subject: string;
  threadId: string;
  cardId: string;
  requesterId: string;
}

async function ticketRows(database: BenchDatabase, subjects: string): Promise<Map<string, TicketRow>> {
  const rows = await database.query(`SELECT id, number, subject, thread_id, card_message_id, requester_id FROM tickets WHERE subject LIKE '${subjects}' ORDER BY id`);
  return new Map(
    rows.map((r) => [
      String(r.subject),
      { id: Number(r.id), number: Number(r.number), subject: String(r.subject), threadId: String(r.thread_id), cardId: String(r.card_message_id), requesterId: String(r.requester_id) },
    ]),
  );
}

const label = (n: number) => `CS-${String(n).padStart(4, '0')}`;

/**
 * The time of the last call an opening made: calls on its interaction token or in its thread, and posts that name
 * its number. Each call's body is turned to text once (it was once per call and ticket: minutes at 2,000 tickets).
 */
function lastCallFor(calls: readonly RecordedCall[]): (ticket: TicketRow, token: string) => number {
  const posts = calls.filter((c) => c.method === 'POST').map((c) => ({ at: c.at, text: JSON.stringify(c.body ?? '') }));
  return (ticket, token) => {
    let last = -Infinity;
    for (const c of calls) if (c.at > last && (c.path.includes(token) || c.path.includes(`/channels/${ticket.threadId}/`))) last = c.at;
    const named = `${label(ticket.number)} `;
    for (const p of posts) if (p.at > last && p.text.includes(named)) last = p.at;
    return last;
  };
}

const dmBody = (c: RecordedCall) => String(((c.body as Json | undefined)?.embeds as Json[] | undefined)?.[0]?.description ?? '');
/** A staff answer sent by DM: a message post with an embed (the thread's own posts carry no reply embed). */
const isDmPost = (c: RecordedCall) => /\/channels\/\d+\/messages$/.test(c.path) && /^[mp]\d+-\d+$/.test(dmBody(c));
const dmOf = (calls: readonly RecordedCall[], body: string) => calls.find((c) => c.method === 'POST' && dmBody(c) === body);

/** Every message stored once and in order per ticket; every staff answer sent to its requester once, in order. */
async function checkMessages(database: BenchDatabase, calls: readonly RecordedCall[], sent: Array<{ ticket: TicketRow; k: number; body: string; agent: boolean }>) {
  // In the order people see them: by the platform's own time (transcripts and lists read them so), as stored.
  const stored = await database.query('SELECT ticket_id, body FROM ticket_messages ORDER BY created_at, id');
  const byTicket = new Map<number, string[]>();
  for (const row of stored) byTicket.set(Number(row.ticket_id), [...(byTicket.get(Number(row.ticket_id)) ?? []), String(row.body)]);
  const dms = calls.filter((c) => c.method === 'POST').map(dmBody);
  let lost = 0;
  let doubled = 0;
  let outOfOrder = 0;
  const perTicket = new Map<number, typeof sent>();
  for (const s of sent) perTicket.set(s.ticket.id, [...(perTicket.get(s.ticket.id) ?? []), s]);
  for (const [ticketId, mine] of perTicket) {
    const bodies = (byTicket.get(ticketId) ?? []).filter((b) => mine.some((m) => m.body === b));
    for (const m of mine) {
      const times = bodies.filter((b) => b === m.body).length;
      if (times === 0) lost++;
      if (times > 1) doubled++;
      if (m.agent) {
        const copies = dms.filter((d) => d === m.body).length;
        if (copies === 0) lost++;
        if (copies > 1) doubled++;
      }
    }
    if (bodies.join('\n') !== mine.map((m) => m.body).join('\n')) outOfOrder++;
    const answers = mine.filter((m) => m.agent).map((m) => m.body);
    if (dms.filter((d) => answers.includes(d)).join('\n') !== answers.join('\n')) outOfOrder++;
  }
  return { lost, doubled, outOfOrder };
}

function templateFrom(calls: readonly RecordedCall[]): Template {
  const find = (what: string, match: (c: RecordedCall) => boolean) => {
    const found = calls.find(match);
    if (!found) throw new Error(`the bot made no ${what} call to copy`);
    return found.body as Json;
  };
  return {
    modal: find('modal', (c) => c.path.endsWith('/callback') && (c.body as Json).type === 9),
    thread: find('thread', (c) => c.method === 'POST' && c.path.endsWith('/threads')),
    card: find('card', (c) => c.method === 'POST' && /\/channels\/\d+\/messages$/.test(c.path) && Array.isArray((c.body as Json).components) && ((c.body as Json).components as unknown[]).length > 0),
    answer: find('answer', (c) => c.path.endsWith('/callback') && (c.body as Json).type === 4),
    logPost: find('log post', (c) => c.method === 'POST' && /\/channels\/\d+\/messages$/.test(c.path) && JSON.stringify(c.body).includes('CS-')) ?? {},
  };
}

/**
 * The floor: for each ticket the command's modal, one transaction (number, ticket, event), the thread, its member,
 * the card, the reaction, one update (thread and card), the form's answer (its one callback) and the log post; for the
 * messages, one transaction each (message, ticket) and the bot's own calls of the burst sent again; for the time per
 * event, the paced messages again, each taken from a bare gateway session, written, and the bot's calls for it sent
 * again. Posts are sent again without their nonce: with it, the fake would hand back the bot's message, not make one.
 */
async function discordFloor(
  discord: FakeDiscord,
  seed: ReturnType<typeof seedSupportGuild>,
  members: string[],
  database: BenchDatabase,
  template: Template,
  options: BenchOptions,
  burstCalls: readonly RecordedCall[],
  messageCount: number,
  origin: string,
  auth: Record<string, string>,
  paced: { messages: ReadonlyArray<{ threadId: string; user: string; calls: readonly RecordedCall[] }> },
) {
  const api = `${origin}/api/v10`;
  const replay = (call: RecordedCall, query = '') =>
    send(`${api}${encodeURI(call.path.replace(/^\/api\/v10/, ''))}${query}`, call.method, auth, call.method === 'PUT' || call.method === 'DELETE' ? undefined : withoutNonce(call.body));
  const now = () => new Date().toISOString();
  const threads: Array<{ id: number; threadId: string }> = [];
  const start = Date.now();
  await inParallel(
    Array.from({ length: options.tickets }, (_, i) => i),
    options.concurrency,
    async (i) => {
      const user = members[i % members.length]!;
      const command = discord.slashCommand({ channelId: seed.channels.general, user, name: 'ticket', options: { category: 'billing' } });
      await send(`${api}/interactions/${command.id}/${command.token}/callback`, 'POST', {}, template.modal);
      const submit = await discord.submitModal(command, user, { subject: `Floor ${i}`, description: 'The floor opens this ticket', 'q:order': 'A' });
      const ticketId = await database.transaction(async (query) => {
        const [counter] = await query(
          'INSERT INTO desk_counters (desk_id, last_number) VALUES (?, 1) ON CONFLICT (desk_id) DO UPDATE SET last_number = desk_counters.last_number + 1 RETURNING last_number',
          ['floor'],
        );
        const [inserted] = await query(
          `INSERT INTO tickets (desk_id, number, platform, workspace_id, category_key, subject, description, answers, priority, status, requester_id, requester_name, created_at, updated_at, last_activity_at)
           VALUES (?, ?, 'discord', ?, 'billing', ?, 'x', '[]', 'normal', 'open', ?, 'Member', ?, ?, ?) RETURNING id`,
          ['floor', counter!.last_number, seed.guildId, `Floor ${i}`, user, now(), now(), now()],
        );
        await query("INSERT INTO ticket_events (ticket_id, type, actor_id, actor_name, to_status, created_at) VALUES (?, 'opened', ?, 'Member', 'open', ?)", [inserted!.id, user, now()]);
        return Number(inserted!.id);
      });
      const thread = (await request(`${api}/channels/${seed.channels.billing}/threads`, 'POST', auth, { ...template.thread, name: `Floor ${i}` })).json as { id: string };
      await send(`${api}/channels/${thread.id}/thread-members/${user}`, 'PUT', auth);
      const card = (await request(`${api}/channels/${thread.id}/messages`, 'POST', auth, template.card)).json as { id: string };
      await send(`${api}/channels/${thread.id}/messages/${card.id}/reactions/${encodeURIComponent('🟢')}/@me`, 'PUT', auth);
      await database.query('UPDATE tickets SET thread_id = ?, card_message_id = ?, spaces_ready_at = ? WHERE id = ?', [thread.id, card.id, now(), ticketId]);
      await send(`${api}/interactions/${submit.id}/${submit.token}/callback`, 'POST', {}, template.answer);
      await send(`${api}/channels/${seed.channels.log}/messages`, 'POST', auth, template.logPost);
      threads.push({ id: ticketId, threadId: thread.id });
    },
  );
  const ticketsPerSecond = options.tickets / ((Date.now() - start) / 1000);

  // Messages: one transaction each, then every call the bot made for the burst, in the same order per ticket.
  const messageStart = Date.now();
  const perLane = new Map<string, RecordedCall[]>();
  for (const call of burstCalls) {
    const key = /\/channels\/(\d+)\//.exec(call.path)?.[1] ?? 'other';
    perLane.set(key, [...(perLane.get(key) ?? []), call]);
  }
  // The writes and the calls go side by side, as the bot overlaps one ticket's calls with another's writes.
  await Promise.all([
    inParallel(
      Array.from({ length: messageCount }, (_, i) => i),
      options.concurrency,
      (i) => {
        const ticket = threads[i % threads.length]!;
        return floorMessageWrite(database, ticket.id, ticket.threadId, `floor-${i}`);
      },
    ),
    inParallel([...perLane.values()], options.concurrency, async (lane) => {
      for (const call of lane) await replay(call);
    }),
  ]);
  const messagesPerSecond = messageCount / ((Date.now() - messageStart) / 1000);

  // The time per event: each paced message again (`f<i>`), taken by the floor's own process (see runPacedFloor), its
  // calls marked `?floor=<i>`.
  const pacedFloor = await runPacedFloor(
    {
      databaseUrl: database.url,
      authorization: auth.authorization!,
      discord: { apiUrl: `${origin}/api`, token: discord.token, intents: INTENTS.reduce((all, bit) => all | bit, 0) },
      warmCall: { method: 'GET', url: `${api}/users/@me` },
      events: paced.messages.map((message, i) => ({
        ticketId: threads[i % threads.length]!.id,
        channelId: threads[i % threads.length]!.threadId,
        calls: message.calls.map((call) => ({
          // A message's reactions in their order (one is removed before the next is added); the rest side by side.
          lane: /^(.*\/reactions)\//.exec(call.path)?.[1] ?? `${call.method} ${call.path}`,
          method: call.method,
          url: `${api}${encodeURI(call.path.replace(/^\/api\/v10/, ''))}?floor=${i}`,
          body: call.method === 'PUT' || call.method === 'DELETE' ? undefined : withoutNonce(call.body),
        })),
      })),
    },
    options.pacedRate,
    (i) => discord.userMessage({ channelId: paced.messages[i]!.threadId, user: paced.messages[i]!.user, content: `f${i}` }),
  );
  return { ticketsPerSecond, messagesPerSecond, pacedLatencies: floorLatencies(discord.calls, (c) => c.query.floor, pacedFloor.at) };
}

/** A recorded body to send again, without the nonce Discord would answer with the bot's own message. */
function withoutNonce(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const { nonce: _nonce, enforce_nonce: _enforce, ...rest } = body as Json;
  return rest;
}
