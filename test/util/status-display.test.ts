import { expect, it } from 'vitest';
import { DeskDirectory, TicketService, type Actor, type Ticket, type TicketStatus } from '../../src/core/index.js';
import { KeyedQueue } from '../../src/util/keyed-queue.js';
import { StatusDisplay, statusesToTakeOff, type ShownStatus } from '../../src/util/status-display.js';
import { TestClock, aDeskConfig, aForm, ids, nextMessageId, people } from '../helpers/builders.js';
import { describeOnEachDatabase } from '../helpers/databases.js';

/** A draw that waits until the test lets it end, with what it was asked to show. */
function heldDraws() {
  const draws: Array<{ ticket: Ticket; status: TicketStatus; shown: ShownStatus; end: (error?: Error) => void }> = [];
  const draw = (ticket: Ticket, shown: ShownStatus) =>
    new Promise<void>((resolve, reject) => draws.push({ ticket, status: ticket.status, shown, end: (error) => (error ? reject(error) : resolve()) }));
  return { draws, draw };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describeOnEachDatabase('the status display', (database) => {
  const clock = new TestClock();
  const setUp = async () => {
    const service = new TicketService(database().store, new DeskDirectory(aDeskConfig().build()), clock);
    const { ticket } = await service.openTicket({ platform: 'discord', workspaceId: ids.guild, requester: people.alice, form: aForm().build(), sourceKey: null });
    const say = (author: Actor = people.alice) => service.recordMessage({ ticketId: ticket.id, author, channelId: `thread-${ticket.id}`, messageId: nextMessageId(), body: 'hello' });
    return { service, ticket, say };
  };
  /** An agent's answer moved the ticket to pending, and its redraw is drawing (held). */
  const drawingAnAnswer = async () => {
    const { service, say } = await setUp();
    const { draws, draw } = heldDraws();
    const display = new StatusDisplay(new KeyedQueue(), service, draw, () => undefined);
    const answered = await say(people.mia);
    display.later(answered.ticket, answered.statusChange!.from);
    await settle();
    return { service, say, draws, display, answered };
  };

  it('GIVEN a redraw failing part-way while another change waits WHEN the next redraw runs THEN it takes every other status off', async () => {
    const { service, ticket, say } = await setUp();
    const { draws, draw } = heldDraws();
    const failures: unknown[] = [];
    const display = new StatusDisplay(new KeyedQueue(), service, draw, (error) => failures.push(error));
    const answered = await say(people.mia);
    display.later(answered.ticket, answered.statusChange!.from);
    await settle();
    expect(draws.map((d) => [d.status, d.shown])).toEqual([['pending', 'open']]);
    // The requester writes while the first redraw is still drawing; then that one fails.
    const written = await say(people.alice);
    display.later(written.ticket, written.statusChange!.from);
    draws[0]!.end(new Error('the card could not be edited'));
    await settle();
    expect(failures).toHaveLength(1);
    // What shows may be 🟢, ⏳, both or none: the redraw is told so, and takes every other status off.
    expect(draws.map((d) => [d.status, d.shown])).toEqual([
      ['pending', 'open'],
      ['open', 'unknown'],
    ]);
    expect(statusesToTakeOff('open', 'unknown')).toEqual(['pending', 'resolved', 'closed']);
    draws[1]!.end();
    await settle();
    // Once drawn, what shows is known again.
    display.later(await service.ticketById(ticket.id), 'open');
    await settle();
    expect(draws).toHaveLength(2);
  });

  it('GIVEN a redraw in flight WHEN a claim redraws the card THEN the card waits for it, so the older state cannot land last', async () => {
    const { draws, display, answered } = await drawingAnAnswer();
    const ticket = answered.ticket;
    const order: string[] = [];
    const card = display.inTurn(ticket.id, async () => {
      order.push('card');
    });
    await settle();
    expect(order).toEqual([]);
    order.push('redraw ends');
    draws[0]!.end();
    await card;
    expect(order).toEqual(['redraw ends', 'card']);
  });

  it('GIVEN nothing else to do WHEN a message changes the status THEN the ticket it stored is drawn at once, not read again', async () => {
    const { draws, answered } = await drawingAnAnswer();
    expect(draws).toHaveLength(1);
    expect(draws[0]!.ticket).toBe(answered.ticket);
    expect([draws[0]!.status, draws[0]!.shown]).toEqual(['pending', 'open']);
    draws[0]!.end();
  });

  it('GIVEN a redraw waiting behind another WHEN more messages change the status meanwhile THEN it reads the ticket and shows where they left it', async () => {
    const { service, say, draws, display } = await drawingAnAnswer();
    // While ⏳ is being drawn, the requester writes (open), and the agent answers again (pending).
    const written = await say(people.alice);
    display.later(written.ticket, written.statusChange!.from);
    const again = await say(people.mia);
    display.later(again.ticket, again.statusChange!.from);
    draws[0]!.end();
    await settle();
    // The waiting redraw reads the ticket when its turn comes: pending, which already shows, so nothing is
    // drawn. Drawn as the message that queued it left it, 🟢 would show over a pending ticket.
    expect(draws.map((d) => [d.status, d.shown])).toEqual([['pending', 'open']]);
    expect((await service.ticketById(again.ticket.id)).status).toBe('pending');
  });

  it('GIVEN nothing shown yet, a status, or the same status WHEN a status is drawn over it THEN only the shown one comes off', () => {
    expect(statusesToTakeOff('open', null)).toEqual([]);
    expect(statusesToTakeOff('pending', 'open')).toEqual(['open']);
    expect(statusesToTakeOff('open', 'open')).toEqual([]);
  });
});
