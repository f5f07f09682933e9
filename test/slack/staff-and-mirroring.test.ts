import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackWorld } from '../helpers/slack-world.js';
import { botReactions, callsTo, openSlackTicket, waitFor } from './helpers.js';

type Json = Record<string, unknown>;

let world: SlackWorld;
beforeAll(async () => {
  world = await SlackWorld.start({ limits: { maxOpenPerUser: 50 } });
});
afterAll(async () => {
  await world?.stop();
});

const texts = (messages: Json[]) => messages.map((m) => m.text);

describe('staff and mirroring on Slack', () => {
  it('GIVEN a requester message mirrored to the staff thread WHEN they edit and then delete it THEN the copy follows and the record keeps every version', async () => {
    const { slack, ids } = world;
    const opened = await openSlackTicket(world, { subject: 'Edits follow on Slack' });
    const ts = await slack.userMessage({ user: ids.users.alice, channel: opened.dm.channel, thread_ts: opened.dm.ts, text: 'My order is 4242' });
    await waitFor(() => expect(callsTo(world, 'chat.postMessage', (a) => a.channel === opened.staff.channel && a.text === 'My order is 4242')).toHaveLength(1));
    const copyTs = String(callsTo(world, 'chat.postMessage', (a) => a.channel === opened.staff.channel && a.text === 'My order is 4242')[0]!.response.ts);
    await slack.editUserMessage({ channel: opened.dm.channel, ts, text: 'My order is 4243' });
    await waitFor(() => expect(slack.message(opened.staff.channel, copyTs)?.text).toBe('My order is 4243'));
    await slack.deleteUserMessage({ channel: opened.dm.channel, ts });
    await waitFor(() => expect(slack.message(opened.staff.channel, copyTs)).toBeUndefined());
    const stored = (await world.service.record(opened.ticket.id, { id: ids.users.max, name: 'Max' })).messages.find((m) => m.messageId === ts)!;
    expect(stored).toMatchObject({ body: 'My order is 4243' });
    expect(stored.deletedAt).not.toBeNull();
    expect((await world.database.store.transaction((tx) => tx.listRevisions(stored.id))).map((r) => r.body)).toEqual(['My order is 4242']);
  });

  it('GIVEN a ticket WHEN an agent claims it from the card and a moderator uses /ticket commands THEN the cards, statuses and replies follow', async () => {
    const { slack, ids } = world;
    const opened = await openSlackTicket(world, { subject: 'Commands from anywhere', category: 'billing' });
    const claim = await slack.blockAction({ user: ids.users.agnes, actionId: 'ticket_claim', channel: opened.staff.channel, message: opened.staff.ts });
    await waitFor(() => expect(JSON.stringify(slack.message(opened.staff.channel, opened.staff.ts)!.blocks)).toContain(`<@${ids.users.agnes}>`));
    expect(JSON.stringify(slack.message(opened.staff.channel, opened.staff.ts)!.blocks)).not.toContain('ticket_claim');
    expect(claim.responseUrlMessages).toEqual([]);
    await waitFor(() => expect(texts(slack.messagesIn(opened.staff.channel, { thread_ts: opened.staff.ts }) as Json[])).toContain('Agnès (support) claimed this ticket.'));

    const number = opened.number;
    const again = await slack.slashCommand({ user: ids.users.max, channel: ids.channels.general, command: '/ticket', text: `claim ${number}` });
    await waitFor(() => expect(texts(again.responseUrlMessages as Json[])).toContain('Agnès (support) has already claimed this ticket.'));

    const close = await slack.slashCommand({ user: ids.users.max, channel: ids.channels.general, command: '/ticket', text: `close ${number} Duplicate of another request` });
    await waitFor(() => expect(texts(close.responseUrlMessages as Json[])).toContain(`Ticket ${number} is closed.`));
    await waitFor(() => expect(botReactions(world, opened.dm.channel, opened.dm.ts)).toEqual(['lock']));
    expect((await world.service.ticketById(opened.ticket.id)).closeReason).toBe('Duplicate of another request');

    const reopen = await slack.slashCommand({ user: ids.users.max, channel: ids.channels.general, command: '/ticket', text: `reopen ${number}` });
    await waitFor(() => expect(texts(reopen.responseUrlMessages as Json[])).toContain(`Ticket ${number} is open again.`));
    await waitFor(() => expect(botReactions(world, opened.staff.channel, opened.staff.ts)).toEqual(['large_green_circle']));

    const list = await slack.slashCommand({ user: ids.users.max, channel: ids.channels.general, command: '/ticket', text: 'list open' });
    await waitFor(() => expect(list.responseUrlMessages).toHaveLength(1));
    const staffLink = world.adapter.desk.messageUrl(opened.staff.channel, opened.staff.ts)!;
    expect(staffLink).toMatch(/^https:\/\/[\w-]+\.slack\.com\/archives\/C\w+\/p\d+$/);
    expect(String((list.responseUrlMessages[0] as Json).text)).toContain(`*<${staffLink}|${number}>* · Open · 💳 Billing · Commands from anywhere`);
    const own = await slack.slashCommand({ user: ids.users.bruno, channel: ids.channels.general, command: '/ticket', text: 'liste tous' });
    await waitFor(() => expect(String((own.responseUrlMessages[0] as Json | undefined)?.text)).toContain('0 ticket (tous)'));
    const help = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: 'dance' });
    await waitFor(() => expect(String((help.responseUrlMessages[0] as Json | undefined)?.text)).toContain('"dance" is not something /ticket can do.'));
  });

  it('GIVEN a closed ticket WHEN the requester writes in their thread THEN the message is kept, not sent on, and they are told how to reopen', async () => {
    const { slack, ids } = world;
    const opened = await openSlackTicket(world, { subject: 'Writing after close' });
    await world.service.close(opened.ticket.id, { id: ids.users.max, name: 'Max' }, 'done');
    const staffBefore = callsTo(world, 'chat.postMessage', (a) => a.channel === opened.staff.channel).length;
    await slack.userMessage({ user: ids.users.alice, channel: opened.dm.channel, thread_ts: opened.dm.ts, text: 'One more question' });
    await waitFor(() => expect(texts(slack.messagesIn(opened.dm.channel, { thread_ts: opened.dm.ts }) as Json[]).some((t) => String(t).includes('is closed: your message is kept'))).toBe(true));
    expect(callsTo(world, 'chat.postMessage', (a) => a.channel === opened.staff.channel)).toHaveLength(staffBefore);
    const stored = (await world.service.record(opened.ticket.id, { id: ids.users.alice, name: 'Alice' })).messages.map((m) => m.body);
    expect(stored).toContain('One more question');
  });

  it('GIVEN a requester message whose event Slack delivers after the agent\'s newer answer WHEN both arrive THEN both are mirrored once, kept in writing order, and the ticket stays pending', async () => {
    const { slack, ids } = world;
    const opened = await openSlackTicket(world, { subject: 'Events out of order' });
    const question = await slack.userMessage({ user: ids.users.alice, channel: opened.dm.channel, thread_ts: opened.dm.ts, text: 'Is anyone there?', holdEvent: true });
    // The answer is written a moment later (times are kept to the millisecond; people do not write faster).
    await new Promise((resolve) => setTimeout(resolve, 5));
    await slack.userMessage({ user: ids.users.agnes, channel: opened.staff.channel, thread_ts: opened.staff.ts, text: 'Yes, looking at it now' });
    await waitFor(() => expect(botReactions(world, opened.dm.channel, opened.dm.ts)).toEqual(['hourglass_flowing_sand']));
    await slack.releaseMessageEvent(opened.dm.channel, question);
    await waitFor(() => expect(callsTo(world, 'chat.postMessage', (a) => a.channel === opened.staff.channel && a.text === 'Is anyone there?')).toHaveLength(1));
    expect(callsTo(world, 'chat.postMessage', (a) => a.channel === opened.dm.channel && a.text === 'Yes, looking at it now')).toHaveLength(1);
    const record = await world.service.record(opened.ticket.id, { id: ids.users.max, name: 'Max' });
    expect(record.ticket.status).toBe('pending');
    expect(record.messages.map((m) => m.body).slice(1)).toEqual(['Is anyone there?', 'Yes, looking at it now']);
    expect(botReactions(world, opened.dm.channel, opened.dm.ts)).toEqual(['hourglass_flowing_sand']);
    expect(botReactions(world, opened.staff.channel, opened.staff.ts)).toEqual(['hourglass_flowing_sand']);
  });

  it('GIVEN a requester writing to the bot outside any ticket WHEN they do THEN they are told where to write, once in a while', async () => {
    const { slack, ids } = world;
    const dm = slack.dmChannelOf(ids.users.bruno);
    await slack.userMessage({ user: ids.users.bruno, channel: dm, text: 'Bonjour ?' });
    await slack.userMessage({ user: ids.users.bruno, channel: dm, text: 'Il y a quelqu\'un ?' });
    await world.settle();
    const hints = slack.messagesIn(dm).filter((m) => String(m.text).startsWith("Pour écrire à propos d'un ticket"));
    expect(hints).toHaveLength(1);
  });
});

describe('Slack user groups as agents', () => {
  let grouped: SlackWorld;
  beforeAll(async () => {
    grouped = await SlackWorld.start({ billingAgentGroup: (ids) => [ids.users.otto] });
  });
  afterAll(async () => {
    await grouped?.stop();
  });

  it('GIVEN a user group named as a category\'s agents WHEN one of its members acts on tickets THEN they are agents of that category, and of no other', async () => {
    const { slack, ids } = grouped;
    const billing = await openSlackTicket(grouped, { subject: 'Refund for a group agent', category: 'billing' });
    const technical = await openSlackTicket(grouped, { subject: 'Not for the billing team', category: 'technical' });
    const claim = await slack.slashCommand({ user: ids.users.otto, channel: ids.channels.general, command: '/ticket', text: `claim ${billing.number}` });
    await waitFor(() => expect(texts(claim.responseUrlMessages as Json[])).toContain(`You claimed ${billing.number}.`));
    expect((await grouped.service.ticketById(billing.ticket.id)).assigneeId).toBe(ids.users.otto);
    const refused = await slack.slashCommand({ user: ids.users.otto, channel: ids.channels.general, command: '/ticket', text: `claim ${technical.number}` });
    await waitFor(() => expect(texts(refused.responseUrlMessages as Json[])).toContain('You are not allowed to claim this ticket.'));
    expect((await grouped.service.ticketById(technical.ticket.id)).assigneeId).toBeNull();
    // Someone outside the group is not an agent of billing.
    const outsider = await slack.slashCommand({ user: ids.users.bruno, channel: ids.channels.general, command: '/ticket', text: `claim ${billing.number}` });
    await waitFor(() => expect(outsider.responseUrlMessages).toHaveLength(1));
    expect(String((outsider.responseUrlMessages[0] as Json).text)).not.toContain('You claimed');
    expect(slack.calls.filter((c) => c.method === 'usergroups.users.list')).not.toHaveLength(0);
  });

  it('GIVEN a member removed from the agents\' user group WHEN the group is read again (every 5 minutes) THEN they are no longer an agent', async () => {
    const { slack, ids } = grouped;
    const billing = await openSlackTicket(grouped, { subject: 'After leaving the billing team', category: 'billing' });
    const group = billingGroupOf(grouped);
    slack.setUserGroupMembers(group, []);
    // Read a moment ago: still an agent until the members are read again.
    const before = await slack.slashCommand({ user: ids.users.otto, channel: ids.channels.general, command: '/ticket', text: `claim ${billing.number}` });
    await waitFor(() => expect(texts(before.responseUrlMessages as Json[])).toContain(`You claimed ${billing.number}.`));
    await grouped.service.assign(billing.ticket.id, { id: ids.users.max, name: 'Max' }, null);
    grouped.clock.advance({ minutes: 6 });
    const after = await slack.slashCommand({ user: ids.users.otto, channel: ids.channels.general, command: '/ticket', text: `claim ${billing.number}` });
    await waitFor(() => expect(texts(after.responseUrlMessages as Json[])).toContain('You are not allowed to claim this ticket.'));
    expect((await grouped.service.ticketById(billing.ticket.id)).assigneeId).toBeNull();
  });
});

function billingGroupOf(world: SlackWorld): string {
  const category = world.config.desks[0]!.categories.find((c) => c.key === 'billing')!;
  return category.slack!.agentRoleIds[0]!;
}
