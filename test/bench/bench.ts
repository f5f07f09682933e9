import { parseArgs } from 'node:util';
import { benchDiscord } from './discord-bench.js';
import { report, type BenchOptions, type Figures } from './figures.js';
import { buildBot } from '../helpers/run-bot.js';
import { machinePaceMs, postgresAnswers, stealMeter } from './support.js';

/**
 * `npm run bench`: the real bot (`src/main.ts` in its own process) against the fake Discord and the fake Slack,
 * answering at once, on sqlite and (when a server answers) PostgreSQL. Prints the figures and their targets.
 *   npm run bench -- --platform discord --database sqlite --tickets 1000 --messages 5000 --warmup 500
 */
const { values } = parseArgs({
  options: {
    platform: { type: 'string', default: 'all' },
    database: { type: 'string', default: 'all' },
    tickets: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '5000' },
    paced: { type: 'string', default: '1000' },
    'paced-rate': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '50' },
    members: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '500' },
  },
});

const options: BenchOptions = {
  tickets: Number(values.tickets),
  messages: Number(values.messages),
  paced: Number(values.paced),
  pacedRate: Number(values['paced-rate']),
  concurrency: Number(values.concurrency),
  members: Number(values.members),
  warmup: Number(values.warmup),
};
const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// The bot runs as `npm start` runs it: compiled first.
buildBot();
const platforms = values.platform === 'all' ? (['discord', 'slack'] as const) : [values.platform as 'discord' | 'slack'];
const databases: Array<'sqlite' | 'postgres'> = values.database === 'all' ? ['sqlite', 'postgres'] : [values.database as 'sqlite' | 'postgres'];
const results: Figures[] = [];
for (const database of databases) {
  if (database === 'postgres' && !(await postgresAnswers(postgresUrl))) {
    process.stdout.write(`PostgreSQL: skipped, nothing answers at ${postgresUrl.replace(/\/\/[^@]*@/, '//…@')}\n`);
    continue;
  }
  for (const platform of platforms) {
    process.stdout.write(`running ${platform} on ${database}…\n`);
    const paceBefore = machinePaceMs();
    const steal = stealMeter();
    steal.start();
    const figures = platform === 'discord' ? await benchDiscord(options, database, postgresUrl) : await (await import('./slack-bench.js')).benchSlack(options, database, postgresUrl);
    results.push(figures);
    process.stdout.write(`${report([figures])}\n`);
    const stolen = steal.share();
    process.stdout.write(
      `  machine: a fixed piece of work took ${paceBefore.toFixed(0)} ms of CPU before the run, ${machinePaceMs().toFixed(0)} ms after` +
        `${stolen === null ? '' : `; the host took ${(100 * stolen).toFixed(1)}% of the CPU time for others (steal)`}\n`,
    );
  }
}
process.stdout.write(`\nmachine: ${(await import('node:os')).cpus().length} cores, node ${process.version}\n`);
process.exit(0);
