import { parseArgs } from 'node:util';
import { DeskDirectory, TicketService, type Actor } from '../../src/core/index.js';
import { openDatabase } from '../../src/persistence/database.js';
import { TestClock, aDeskConfig, aForm, ids, people } from '../helpers/builders.js';
import { createBenchDatabase, inParallel, postgresAnswers } from './support.js';

/**
 * `npm run bench:store`: the database side of the bot alone, in this process: openings (openTicket, then
 * spacesSetUp as the adapters record the spaces) and messages (recordMessage, requester and agent in turn),
 * `concurrency` at a time, on sqlite and (when it answers) PostgreSQL. It prints the CPU of this process per
 * opening and per message, and the rate: without the platforms, two runs of it compare a change to the store
 * with far less noise than `npm run bench` (on PostgreSQL the server's CPU is not counted).
 *   npm run bench:store -- --database sqlite --tickets 3000 --messages 6000 --rounds 3
 */
const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'all' },
    tickets: { type: 'string', default: '3000' },
    messages: { type: 'string', default: '6000' },
    concurrency: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
  },
});
const tickets = Number(values.tickets);
const messages = Number(values.messages);
const concurrency = Number(values.concurrency);
const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const since = (start: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
};

async function round(kind: 'sqlite' | 'postgres'): Promise<{ openingMs: number; openingsPerSecond: number; messageMs: number; messagesPerSecond: number }> {
  const bench = await createBenchDatabase(kind, postgresUrl);
  const database = await openDatabase(bench.url);
  try {
    const desk = aDeskConfig().withLimits({ maxOpenPerUser: 100, cooldownSeconds: 60 }).build();
    const clock = new TestClock();
    const service = new TicketService(database.store, new DeskDirectory(desk), clock);
    const requesters: Actor[] = Array.from({ length: 100 }, (_, i) => ({ id: `member-${i}`, name: `Member ${i}`, roleIds: [] }));
    const opened: number[] = [];
    const place = (prefix: number, i: number) => `${prefix}${String(i).padStart(17, '0')}`;

    let cpu = process.cpuUsage();
    let start = Date.now();
    await inParallel(
      Array.from({ length: tickets }, (_, i) => i),
      concurrency,
      async (i) => {
        // The test clock moves a second per opening, and each requester opens every 100th: 100 s apart, over
        // the cooldown (a minute), which is still checked (the requester's latest opening is read).
        clock.advance({ seconds: 1 });
        const { ticket, openingMessage } = await service.openTicket({
          platform: 'discord',
          workspaceId: ids.guild,
          requester: requesters[i % requesters.length]!,
          form: aForm().subject(`Bench ticket ${i}`).build(),
          sourceKey: `bench:form:${i}`,
        });
        await service.spacesSetUp(ticket.id, { channelId: ids.billingChannel, threadId: place(1, i), cardMessageId: place(2, i) }, { messageId: openingMessage.id, channelId: place(1, i), platformMessageId: place(2, i) });
        opened.push(ticket.id);
      },
    );
    const openingMs = since(cpu) / tickets;
    const openingsPerSecond = tickets / ((Date.now() - start) / 1000);

    cpu = process.cpuUsage();
    start = Date.now();
    await inParallel(
      Array.from({ length: messages }, (_, i) => i),
      concurrency,
      async (i) => {
        const ticketId = opened[i % opened.length]!;
        const agentTurn = Math.floor(i / opened.length) % 2 === 1;
        const requester = requesters[opened.indexOf(ticketId) % requesters.length]!;
        await service.recordMessage({ ticketId, author: agentTurn ? people.anna : requester, channelId: place(1, opened.indexOf(ticketId)), messageId: place(4, i), body: `Message ${i}` });
      },
    );
    const messageMs = since(cpu) / messages;
    const messagesPerSecond = messages / ((Date.now() - start) / 1000);
    const stored = await bench.count('ticket_messages');
    if (stored !== tickets + messages) throw new Error(`${stored} messages stored, not ${tickets + messages}`);
    return { openingMs, openingsPerSecond, messageMs, messagesPerSecond };
  } finally {
    await database.close();
    await bench.drop();
  }
}

const kinds: Array<'sqlite' | 'postgres'> = values.database === 'all' ? ['sqlite', 'postgres'] : [values.database as 'sqlite' | 'postgres'];
for (const kind of kinds) {
  if (kind === 'postgres' && !(await postgresAnswers(postgresUrl))) {
    process.stdout.write(`PostgreSQL: skipped, nothing answers at ${postgresUrl.replace(/\/\/[^@]*@/, '//…@')}\n`);
    continue;
  }
  for (let r = 1; r <= Number(values.rounds); r++) {
    const f = await round(kind);
    process.stdout.write(
      `store on ${kind}, round ${r}: ${f.openingMs.toFixed(3)} ms CPU per opening (${f.openingsPerSecond.toFixed(0)}/s), ${f.messageMs.toFixed(3)} ms CPU per message (${f.messagesPerSecond.toFixed(0)}/s), ${tickets} openings and ${messages} messages, ${concurrency} at a time\n`,
    );
  }
}
process.exit(0);
