import { readFileSync } from 'node:fs';
import { rawGatewaySession, rawSlackReceiver, replayInLanes, type FloorPlan } from './paced-floor.js';
import { floorMessageWrite, openBenchDatabase, send } from './support.js';

/**
 * The floor's own process for the time per event (see {@link runPacedFloor}), apart from the bench's (where the
 * fakes run) as the bot is: each paced event taken from a bare gateway session (Discord) or Events API receiver
 * (Slack), written to the floor's database in one transaction, and the bot's calls for it sent again. Prints
 * `ready [url]` once it listens, then `handled <i>` per event.
 */
const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FloorPlan;
const database = await openBenchDatabase(plan.databaseUrl);
const headers = { authorization: plan.authorization };

// Warm, as the bot is by its own warm-up: the database's connections open and the write path and the calls' run
// through a few times, so that the first events timed do not pay for it.
const first = plan.events[0]!;
for (let round = 0; round < 10; round++) {
  await Promise.all(
    Array.from({ length: 10 }, (_, k) =>
      Promise.all([floorMessageWrite(database, first.ticketId, first.channelId, `floor-warm-${round}-${k}`), send(plan.warmCall.url, plan.warmCall.method, headers)]),
    ),
  );
}

function handle(text: unknown): void {
  const i = /^f(\d+)$/.exec(String(text))?.[1];
  const event = i === undefined ? undefined : plan.events[Number(i)];
  if (!event) return;
  void floorMessageWrite(database, event.ticketId, event.channelId, `floor-paced-${i}`)
    .then(() => replayInLanes(event.calls, (call) => call.lane, (call) => send(call.url, call.method, headers, call.body)))
    .then(() => process.stdout.write(`handled ${i}\n`));
}

if (plan.discord) {
  await rawGatewaySession(plan.discord.apiUrl, plan.discord.token, plan.discord.intents, (type, data) => {
    if (type === 'MESSAGE_CREATE') handle(data.content);
  });
  process.stdout.write('ready\n');
} else {
  const url = await rawSlackReceiver(plan.slack!.signingSecret, (body) => {
    const event = body.event as { type?: string; bot_id?: string; text?: string } | undefined;
    if (event?.type === 'message' && !event.bot_id) handle(event.text);
  });
  process.stdout.write(`ready ${url}\n`);
}
process.on('SIGTERM', () => void database.drop().finally(() => process.exit(0)));
