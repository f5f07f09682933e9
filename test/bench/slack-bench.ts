import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack, type DefaultScenario, type Obj, type RecordedCall } from '../fakes/slack/index.js';
import { freePort } from '../helpers/run-bot.js';
import { manifest, rawSlackDeskConfig } from '../helpers/slack-world.js';
import { figuresOf, type BenchOptions, type Figures } from './figures.js';
import { floorLatencies, runPacedFloor } from './paced-floor.js';
import { BENCH_SUBJECT, createBenchDatabase, floorMessageWrite, inParallel, send, sleep, startBotProcess, until, activityLine, warmUp, WARM_UP_SUBJECT, type BenchDatabase } from './support.js';

/** Finds calls as they come, without scanning every recorded call for every waiter. */
class CallWatcher {
  private cursor = 0;
  private readonly waiting: Array<{ match: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly slack: FakeSlack) {
    this.timer = setInterval(() => this.scan(), 2);
  }

  private scan(): void {
    const calls = this.slack.calls;
    for (; this.cursor < calls.length; this.cursor++) {
      const call = calls[this.cursor]!;
      const i = this.waiting.findIndex((w) => w.match(call));
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(call);
    }
  }

  /** The next call (from now on) that matches. */
  next(match: (c: RecordedCall) => boolean): Promise<RecordedCall> {
    return new Promise((resolve) => this.waiting.push({ match, resolve }));
  }

  /** Forgets the calls seen so far (after `slack.calls` was emptied). */
  restart(): void {
    this.cursor = 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

interface TicketRow {
  id: number;
  number: number;
  subject: string;
  staff: { channel: string; ts: string };
  dm: { channel: string; ts: string };
  requesterId: string;
}

/**
 * The real bot (`src/main.ts`, Bolt over HTTP) against the fake Slack: members open tickets with /ticket and its
 * modal, then requester and agent talk, each message mirrored to the other side; then the floor.
 */
export async function benchSlack(options: BenchOptions, kind: 'sqlite' | 'postgres', postgresUrl: string | null): Promise<Figures> {
  const slack = await FakeSlack.start({ scenario: 'default', scopes: manifest.oauth_config.scopes.bot, events: manifest.settings.event_subscriptions.bot_events });
  const ids = slack.scenario as DefaultScenario;
  const members = Array.from({ length: options.members }, (_, i) => {
    const id = slack.addUser({ name: `member${i}`, realName: `Member ${i}`, locale: 'en-US' });
    slack.addMember(ids.channels.general, id);
    return id;
  });
  const agent = ids.users.agnes;
  const dir = mkdtempSync(join(tmpdir(), 'bench-slack-'));
  const perUser = Math.ceil((options.tickets + options.warmup) / options.members) + 1;
  writeFileSync(join(dir, 'support.json'), JSON.stringify(rawSlackDeskConfig(slack, { limits: { maxOpenPerUser: Math.min(100, perUser), cooldownSeconds: 0 } })));
  const database = await createBenchDatabase(kind, postgresUrl);
  const floorDatabase = await createBenchDatabase(kind, postgresUrl);
  const port = await freePort();
  slack.useHttp(`http://127.0.0.1:${port}/slack/events`);
  const bot = startBotProcess({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_PORT: String(port),
    SLACK_HOST: '127.0.0.1',
    SUPPORT_CONFIG: join(dir, 'support.json'),
    DATABASE_URL: database.url,
    ATTACHMENTS_DIR: join(dir, 'attachments'),
  });
  const watcher = new CallWatcher(slack);
  try {
    await bot.ready('connected to Slack');
    const rssAtStart = bot.rss();

    // Openings: each member lane runs /ticket, sends the modal, and waits for both cards and their reactions.
    const open = (subjects: readonly string[], opened?: Array<{ subject: string; at: number; done: number }>) =>
      inParallel(subjects, options.concurrency, async (subject, i) => {
        const user = members[i % members.length]!;
        const command = await slack.slashCommand({ user, channel: ids.channels.general, command: '/ticket', text: 'technical' });
        await watcher.next((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId);
        // Both waiters before the form is sent: the card's reaction may follow the card within one scan of the calls.
        let ts: string | null = null;
        const card = watcher.next((c) => {
          const found = c.method === 'chat.postMessage' && String(c.args.channel).startsWith('D') && String(c.args.text).endsWith(` · ${subject}`);
          if (found) ts = String((c.response as Obj).ts);
          return found;
        });
        const reacted = watcher.next((c) => ts !== null && c.method === 'reactions.add' && c.args.timestamp === ts);
        const at = Date.now();
        const submitted = await slack.submitView({ user, values: { subject: { subject }, description: { description: `Description of ${subject}` }, q_steps: { answer: `Step ${i}` } } });
        if (submitted.ackBody) throw new Error(`form refused: ${JSON.stringify(submitted.ackBody)}`);
        await card;
        const reaction = await reacted;
        opened?.push({ subject, at, done: reaction.at });
      });

    // 0. The warm-up (see warmUp), not measured.
    const warmup = await warmUp(
      options,
      QUIET_MS,
      async (subjects) => {
        await open(subjects);
        await quiet(slack);
      },
      async (rounds) => {
        const tickets = await ticketRows(database, `${WARM_UP_SUBJECT}%`);
        const talk: Array<{ ticket: TicketRow; body: string; agent: boolean }> = [];
        for (let k = 0; k < rounds; k++) for (const ticket of tickets) talk.push({ ticket, body: `w${ticket.number}-${k}`, agent: k % 2 === 1 });
        await inParallel(talk, options.concurrency, async (m) => {
          await say(slack, m, agent);
        });
        await until(async () => (await database.count('ticket_messages', "body LIKE 'w%'")) >= talk.length, 'the warm-up messages to be stored', 300_000, 20);
        await quiet(slack);
      },
    );
    slack.calls.splice(0);
    watcher.restart();

    // 1. Tickets, measured.
    const subjects = Array.from({ length: options.tickets }, (_, i) => `${BENCH_SUBJECT}${i}`);
    const opened: Array<{ subject: string; at: number; done: number }> = [];
    const cpuBeforeTickets = bot.cpuMs();
    const ticketsStart = Date.now();
    await open(subjects, opened);
    await quiet(slack);
    const ticketSeconds = (Date.now() - ticketsStart - QUIET_MS) / 1000;
    const cpuPerTicketMs = (bot.cpuMs() - cpuBeforeTickets) / options.tickets;
    const rssWithOpenTickets = bot.rss();
    const rows = await ticketRows(database, `${BENCH_SUBJECT}%`);
    if (rows.length !== options.tickets) throw new Error(`${rows.length} tickets opened, not ${options.tickets}`);
    const ticketLatencies = opened.map((o) => o.done - o.at);
    const ticketCalls = [...slack.calls];
    if (process.env.BENCH_DEBUG) {
      const perMethod = new Map<string, number>();
      for (const c of ticketCalls) perMethod.set(c.method, (perMethod.get(c.method) ?? 0) + 1);
      process.stdout.write(`ticket calls per opening: ${[...perMethod].map(([method, n]) => `${method} ${(n / options.tickets).toFixed(2)}`).join(', ')}\n`);
    }
    slack.calls.splice(0);
    watcher.restart();

    // 2. Messages at full speed: requester, agent, requester, … in each ticket, each mirrored to the other side.
    const perTicket = Math.max(1, Math.round(options.messages / rows.length));
    const plan: Array<{ ticket: TicketRow; k: number; body: string; agent: boolean; at: number }> = [];
    for (let k = 0; k < perTicket; k++) for (const ticket of rows) plan.push({ ticket, k, body: `m${ticket.number}-${k}`, agent: k % 2 === 1, at: 0 });
    // BENCH_DEBUG on PostgreSQL: what the server did for the burst, per message.
    const activityBefore = process.env.BENCH_DEBUG ? await database.activity?.() : undefined;
    const cpuBeforeMessages = bot.cpuMs();
    const diskBeforeMessages = bot.diskBytes();
    const writesBeforeMessages = bot.writeCalls();
    const messagesStart = Date.now();
    await inParallel(plan, options.concurrency, async (m) => {
      m.at = Date.now();
      await say(slack, m, agent);
    });
    let mirrored = 0;
    let cursor = 0;
    const mirroredCount = () => {
      for (; cursor < slack.calls.length; cursor++) {
        const c = slack.calls[cursor]!;
        if (c.method === 'chat.postMessage' && /^[mp]\d+-\d+$/.test(String(c.args.text))) mirrored++;
      }
      return mirrored;
    };
    // The copies first (in memory): the database is counted only once every copy was seen, so the bench's own
    // count (a scan of every message) does not run beside the bot during the burst it measures.
    await until(async () => mirroredCount() >= plan.length && (await database.count('ticket_messages', "body LIKE 'm%'")) >= plan.length, 'the burst to be stored and mirrored', 300_000, 20);
    const messageSeconds = (Date.now() - messagesStart) / 1000;
    if (process.env.BENCH_DEBUG) {
      const slow = slack.deliveries.filter((d) => d.at >= messagesStart && d.response && (d.response.status !== 200 || d.response.elapsedMs > 500));
      process.stdout.write(`burst deliveries: ${slack.deliveries.filter((d) => d.at >= messagesStart).length}, slow or failed: ${slow.length}\n${slow.slice(0, 10).map((d) => `  ${String((d.body.event as Obj | undefined)?.text)} status ${d.response!.status} after ${d.response!.elapsedMs} ms at +${d.at - messagesStart}`).join('\n')}\n`);
    }
    const cpuPerMessageMs = (bot.cpuMs() - cpuBeforeMessages) / plan.length;
    await quiet(slack);
    if (activityBefore) {
      // The CPU now (the pool closes idle connections, and their CPU goes with them), the statistics once sent.
      const { serverCpuMs } = await database.activity!();
      await sleep(11_000);
      process.stdout.write(activityLine(activityBefore, { ...(await database.activity!()), serverCpuMs }, plan.length, 'burst message'));
    }
    if (process.env.BENCH_DEBUG && kind === 'sqlite') process.stdout.write(`disk written per burst message: ${((bot.diskBytes() - diskBeforeMessages) / 1024 / plan.length).toFixed(1)} KiB\n`);
    if (process.env.BENCH_DEBUG) process.stdout.write(`write system calls per burst message: ${((bot.writeCalls() - writesBeforeMessages) / plan.length).toFixed(2)}\n`);
    if (process.env.BENCH_DEBUG) process.stdout.write(`burst CPU until the calls stop: ${((bot.cpuMs() - cpuBeforeMessages) / plan.length).toFixed(2)} ms per message\n`);
    const burstCalls = [...slack.calls];
    if (process.env.BENCH_DEBUG) {
      const perMethod = new Map<string, number>();
      for (const c of burstCalls) perMethod.set(c.method, (perMethod.get(c.method) ?? 0) + 1);
      process.stdout.write(`burst calls: ${[...perMethod].map(([method, n]) => `${method} ${n}`).join(', ')}\n`);
      const perEvent = new Map<string, number>();
      for (const d of slack.deliveries.filter((d) => d.at >= messagesStart)) {
        const event = d.body.event as Obj | undefined;
        const kind = event ? `${String(event.type)}${event.subtype ? `/${String(event.subtype)}` : ''}` : String(d.body.type);
        perEvent.set(kind, (perEvent.get(kind) ?? 0) + 1);
      }
      process.stdout.write(`burst deliveries: ${[...perEvent].map(([kind, n]) => `${kind} ${n}`).join(', ')}\n`);
    }
    const mirrorOf = new Map(burstCalls.filter((c) => c.method === 'chat.postMessage').map((c) => [String(c.args.text), c]));
    const burstLatencies = plan.map((m) => mirrorOf.get(m.body)!.at - m.at);
    const check = await checkMessages(database, burstCalls, plan);
    slack.calls.splice(0);
    watcher.restart();

    // The burst's backlog is gone: paced messages meet an idle bot.
    await bot.idle();
    // 3. Paced: one message at a time, each to another ticket; the time from event to last call.
    const paced: typeof plan = [];
    const diskBeforePaced = bot.diskBytes();
    for (let i = 0; i < options.paced; i++) {
      const ticket = rows[i % rows.length]!;
      const k = perTicket + Math.floor(i / rows.length);
      const m = { ticket, k, body: `p${ticket.number}-${k}`, agent: k % 2 === 1, at: Date.now() };
      paced.push(m);
      void say(slack, m, agent);
      await sleep(1000 / options.pacedRate);
    }
    await until(async () => (await database.count('ticket_messages', "body LIKE 'p%'")) >= paced.length, 'the paced messages to be stored', 60_000, 20);
    await quiet(slack);
    if (process.env.BENCH_DEBUG && kind === 'sqlite') process.stdout.write(`disk written per paced message: ${((bot.diskBytes() - diskBeforePaced) / 1024 / paced.length).toFixed(1)} KiB\n`);
    const roots = (t: TicketRow) => [t.staff.ts, t.dm.ts];
    const pacedCalls: RecordedCall[][] = [];
    const pacedLatencies = paced.map((p, i) => {
      // Up to the next paced message to the same ticket (when there are more paced messages than tickets).
      const until = paced.slice(i + 1).find((q) => q.ticket === p.ticket)?.at ?? Infinity;
      const related = slack.calls.filter(
        (c) => c.at >= p.at && c.at < until && (String(c.args.text) === p.body || roots(p.ticket).includes(String(c.args.timestamp ?? c.args.ts ?? ''))),
      );
      pacedCalls.push(related);
      if (process.env.BENCH_DEBUG) process.stdout.write(`${p.body} ${p.agent ? 'agent' : 'requester'} at ${p.at}: ${related.map((c) => `${c.method} +${c.at - p.at}`).join(', ')}\n`);
      return Math.max(...related.map((c) => c.at)) - p.at;
    });
    if (process.env.BENCH_DEBUG) {
      const acks = slack.deliveries.filter((d) => d.response && /^p\d+-/.test(String((d.body.event as Obj | undefined)?.text)));
      process.stdout.write(`paced acks over 10 ms: ${acks.filter((d) => d.response!.elapsedMs > 10).map((d) => `${String((d.body.event as Obj).text)}:${d.response!.elapsedMs}`).join(' ')}\n`);
    }
    const pacedCheck = await checkMessages(database, slack.calls, paced);
    const peakRss = bot.peakRss();
    const errors = bot.errors();
    if (process.env.BENCH_DEBUG) process.stdout.write(`${bot.output().stdout.split('\n').filter((line) => /"level":40/.test(line)).slice(0, 20).join('\n')}\n`);
    await bot.stop();

    const floor = await slackFloor(slack, floorDatabase, rows, ticketCalls, burstCalls, options, plan.length, {
      messages: paced.map((p, i) => ({ side: p.agent ? p.ticket.staff : p.ticket.dm, user: p.agent ? agent : p.ticket.requesterId, calls: pacedCalls[i]! })),
    });
    return figuresOf({
      platform: 'slack',
      database: kind,
      tickets: options.tickets,
      ticketSeconds,
      ticketLatencies,
      messages: plan.length,
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
    watcher.stop();
    bot.child.kill('SIGKILL');
    await slack.stop();
    await database.drop();
    await floorDatabase.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const QUIET_MS = 300;

async function quiet(slack: FakeSlack): Promise<void> {
  let seen = -1;
  for (;;) {
    await slack.idle();
    const count = slack.calls.length;
    if (count === seen) return;
    seen = count;
    await sleep(QUIET_MS);
  }
}

function say(slack: FakeSlack, m: { ticket: TicketRow; body: string; agent: boolean }, agent: string) {
  const side = m.agent ? m.ticket.staff : m.ticket.dm;
  return slack.userMessage({ user: m.agent ? agent : m.ticket.requesterId, channel: side.channel, thread_ts: side.ts, text: m.body });
}

async function ticketRows(database: BenchDatabase, subjects: string): Promise<TicketRow[]> {
  const rows = await database.query(`SELECT id, number, subject, channel_id, thread_id, requester_channel_id, requester_thread_id, requester_id FROM tickets WHERE subject LIKE '${subjects}' ORDER BY id`);
  return rows.map((r) => ({
    id: Number(r.id),
    number: Number(r.number),
    subject: String(r.subject),
    staff: { channel: String(r.channel_id), ts: String(r.thread_id) },
    dm: { channel: String(r.requester_channel_id), ts: String(r.requester_thread_id) },
    requesterId: String(r.requester_id),
  }));
}

/** Every message stored once and in order per ticket; every message mirrored once, in order, to the other side. */
async function checkMessages(database: BenchDatabase, calls: readonly RecordedCall[], sent: Array<{ ticket: TicketRow; body: string }>) {
  // In the order people see them: by the platform's own time (transcripts and lists read them so), as stored.
  const stored = await database.query('SELECT ticket_id, body FROM ticket_messages ORDER BY created_at, id');
  const byTicket = new Map<number, string[]>();
  for (const row of stored) byTicket.set(Number(row.ticket_id), [...(byTicket.get(Number(row.ticket_id)) ?? []), String(row.body)]);
  const mirrored = new Map<string, string[]>();
  for (const c of calls) {
    if (c.method !== 'chat.postMessage' || !c.args.thread_ts) continue;
    const key = `${String(c.args.channel)}:${String(c.args.thread_ts)}`;
    mirrored.set(key, [...(mirrored.get(key) ?? []), String(c.args.text)]);
  }
  let lost = 0;
  let doubled = 0;
  let outOfOrder = 0;
  const perTicket = new Map<number, typeof sent>();
  for (const s of sent) perTicket.set(s.ticket.id, [...(perTicket.get(s.ticket.id) ?? []), s]);
  for (const [ticketId, mine] of perTicket) {
    const wanted = new Set(mine.map((m) => m.body));
    const bodies = (byTicket.get(ticketId) ?? []).filter((b) => wanted.has(b));
    const ticket = mine[0]!.ticket;
    const copies = [...(mirrored.get(`${ticket.staff.channel}:${ticket.staff.ts}`) ?? []), ...(mirrored.get(`${ticket.dm.channel}:${ticket.dm.ts}`) ?? [])].filter((b) => wanted.has(b));
    for (const m of mine) {
      const times = bodies.filter((b) => b === m.body).length;
      const copied = copies.filter((b) => b === m.body).length;
      if (times === 0 || copied === 0) lost++;
      if (times > 1 || copied > 1) doubled++;
    }
    if (bodies.join('\n') !== mine.map((m) => m.body).join('\n')) {
      outOfOrder++;
      if (process.env.BENCH_DEBUG) process.stdout.write(`stored out of order in ticket ${ticketId}: ${bodies.join(' ')}\n`);
    }
    for (const side of [ticket.staff, ticket.dm]) {
      const here = (mirrored.get(`${side.channel}:${side.ts}`) ?? []).filter((b) => wanted.has(b));
      if (here.join('\n') !== mine.map((m) => m.body).filter((b) => here.includes(b)).join('\n')) {
        outOfOrder++;
        if (process.env.BENCH_DEBUG) process.stdout.write(`mirrored out of order in ${side.channel}:${side.ts}: ${here.join(' ')}\n`);
      }
    }
  }
  return { lost, doubled, outOfOrder };
}

/**
 * The floor: per ticket one transaction (number, ticket, event) and one update (both spaces), with the bot's own
 * Web API calls of the opening sent again; per message one transaction (message, ticket), with the bot's calls
 * of the burst sent again, writes and calls side by side; for the time per event, the paced messages again, each
 * taken by a bare Events API receiver (signature checked, acknowledged), written, and the bot's calls for it sent
 * again.
 */
async function slackFloor(
  slack: FakeSlack,
  database: BenchDatabase,
  rows: TicketRow[],
  ticketCalls: readonly RecordedCall[],
  burstCalls: readonly RecordedCall[],
  options: BenchOptions,
  messageCount: number,
  paced: { messages: ReadonlyArray<{ side: { channel: string; ts: string }; user: string; calls: readonly RecordedCall[] }> },
) {
  const now = () => new Date().toISOString();
  const auth = { authorization: `Bearer ${slack.botToken}` };
  const replay = (call: RecordedCall) => send(`${slack.apiUrl}${call.method}`, 'POST', auth, call.args);
  const openingCalls = ticketCalls.filter((c) => c.method !== 'views.open' && c.method !== 'users.info');
  const perTicket = new Map<string, RecordedCall[]>();
  for (const call of openingCalls) {
    const key = String(call.args.text ?? '').split(' · ')[1] ?? String(call.args.timestamp ?? call.args.users ?? 'other');
    perTicket.set(key, [...(perTicket.get(key) ?? []), call]);
  }
  const start = Date.now();
  await Promise.all([
    inParallel(
      Array.from({ length: options.tickets }, (_, i) => i),
      options.concurrency,
      async (i) => {
        const ticketId = await database.transaction(async (query) => {
          const [counter] = await query(
            'INSERT INTO desk_counters (desk_id, last_number) VALUES (?, 1) ON CONFLICT (desk_id) DO UPDATE SET last_number = desk_counters.last_number + 1 RETURNING last_number',
            ['floor'],
          );
          const [inserted] = await query(
            `INSERT INTO tickets (desk_id, number, platform, workspace_id, category_key, subject, description, answers, priority, status, requester_id, requester_name, created_at, updated_at, last_activity_at)
             VALUES (?, ?, 'slack', ?, 'technical', ?, 'x', '[]', 'normal', 'open', ?, 'Member', ?, ?, ?) RETURNING id`,
            ['floor', counter!.last_number, slack.teamId, `Floor ${i}`, 'U', now(), now(), now()],
          );
          await query("INSERT INTO ticket_events (ticket_id, type, actor_id, actor_name, to_status, created_at) VALUES (?, 'opened', 'U', 'Member', 'open', ?)", [inserted!.id, now()]);
          return Number(inserted!.id);
        });
        await database.query('UPDATE tickets SET channel_id = ?, thread_id = ?, requester_channel_id = ?, requester_thread_id = ?, spaces_ready_at = ? WHERE id = ?', ['C', `${i}`, 'D', `${i}`, now(), ticketId]);
      },
    ),
    inParallel([...perTicket.values()], options.concurrency, async (calls) => {
      for (const call of calls) await replay(call);
    }),
  ]);
  const ticketsPerSecond = options.tickets / ((Date.now() - start) / 1000);

  const lane = (call: RecordedCall) => `${String(call.args.channel ?? 'other')}:${String(call.args.thread_ts ?? call.args.ts ?? call.args.timestamp ?? '')}`;
  const lanes = new Map<string, RecordedCall[]>();
  for (const call of burstCalls) lanes.set(lane(call), [...(lanes.get(lane(call)) ?? []), call]);
  const messageStart = Date.now();
  await Promise.all([
    inParallel(
      Array.from({ length: messageCount }, (_, i) => i),
      options.concurrency,
      (i) => {
        const ticket = rows[i % rows.length]!;
        return floorMessageWrite(database, 1 + (i % options.tickets), ticket.dm.channel, `floor-${i}`);
      },
    ),
    inParallel([...lanes.values()], options.concurrency, async (calls) => {
      for (const call of calls) await replay(call);
    }),
  ]);
  const messagesPerSecond = messageCount / ((Date.now() - messageStart) / 1000);

  // The time per event: each paced message again (`f<i>`), taken by the floor's own process (see runPacedFloor), its
  // calls marked with a `floor_mark` argument.
  const pacedFloor = await runPacedFloor(
    {
      databaseUrl: database.url,
      authorization: auth.authorization,
      slack: { signingSecret: slack.signingSecret },
      warmCall: { method: 'POST', url: `${slack.apiUrl}auth.test` },
      events: paced.messages.map((message, i) => ({
        ticketId: 1 + (i % options.tickets),
        channelId: message.side.channel,
        // A message's reactions in their order (one is removed before the next is added); the rest side by side.
        calls: message.calls.map((call) => ({ lane: `${call.method.startsWith('reactions.') ? 'reactions' : call.method}:${lane(call)}`, method: 'POST', url: `${slack.apiUrl}${call.method}`, body: { ...call.args, floor_mark: String(i) } })),
      })),
    },
    options.pacedRate,
    (i) => slack.userMessage({ user: paced.messages[i]!.user, channel: paced.messages[i]!.side.channel, thread_ts: paced.messages[i]!.side.ts, text: `f${i}` }),
    (url) => slack.useHttp(url),
  );
  return { ticketsPerSecond, messagesPerSecond, pacedLatencies: floorLatencies(slack.calls, (c) => c.args.floor_mark, pacedFloor.at) };
}
