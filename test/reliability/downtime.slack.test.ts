import { afterEach, describe, expect, it } from 'vitest';
import { SlackWorld } from '../helpers/slack-world.js';
import { callsTo, openSlackTicket, waitFor } from '../slack/helpers.js';

let world: SlackWorld | null = null;
afterEach(async () => {
  await world?.stop();
  world = null;
});

describe.each(['http', 'socket'] as const)('messages written while the Slack bot was away (%s)', (mode) => {
  it('GIVEN the bot stopped WHEN both sides write and it starts again THEN everything is stored and mirrored, in order, once', async () => {
    const w = (world = await SlackWorld.start({ mode }));
    const { slack, ids } = w;
    const opened = await openSlackTicket(w, { subject: `Away over ${mode}` });
    await w.stopBot();
    // Nobody is connected: Slack gives up on these deliveries (the fake would otherwise wait for a socket).
    slack.socketWaitMs = 50;
    const written: string[] = [];
    for (let i = 1; i <= 6; i++) {
      const requesterSide = i % 2 === 1;
      const text = `${requesterSide ? 'requester' : 'agent'} message ${i}`;
      written.push(text);
      await slack
        .userMessage(requesterSide
          ? { user: ids.users.alice, channel: opened.dm.channel, thread_ts: opened.dm.ts, text }
          : { user: ids.users.agnes, channel: opened.staff.channel, thread_ts: opened.staff.ts, text })
        .catch(() => undefined);
    }
    await w.startBot();
    await waitFor(() => expect(callsTo(w, 'chat.postMessage', (a) => a.text === 'agent message 6')).toHaveLength(1), 15_000);
    const record = await w.service.record(opened.ticket.id, { id: ids.users.max, name: 'Max' });
    expect(record.messages.map((m) => m.body).filter((b) => / message \d$/.test(b))).toEqual(written);
    const mirrored = callsTo(w, 'chat.postMessage', (a) => / message \d$/.test(String(a.text))).map((c) => [c.args.channel, c.args.text]);
    expect(mirrored).toEqual(written.map((text) => [text.startsWith('requester') ? opened.staff.channel : opened.dm.channel, text]));
    expect((await w.service.ticketById(opened.ticket.id)).status).toBe('pending');
    // A second restart finds nothing new.
    await w.stopBot();
    await w.startBot();
    await w.settle();
    expect(callsTo(w, 'chat.postMessage', (a) => / message \d$/.test(String(a.text)))).toHaveLength(6);
  }, 60_000);
});
