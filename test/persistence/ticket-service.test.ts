import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DeskDirectory, RefusalError, TicketService, type Actor, type Refusal, type SupportConfig } from '../../src/core/index.js';
import { LocalAttachmentStorage } from '../../src/persistence/local-attachment-storage.js';
import { TestClock, aDeskConfig, aForm, aTicket, ids, nextMessageId, people } from '../helpers/builders.js';
import { describeOnEachDatabase } from '../helpers/databases.js';

async function refusalOf(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RefusalError) return error.refusal;
    throw error;
  }
  throw new Error('expected a refusal, but the use case succeeded');
}

describeOnEachDatabase('ticket use cases', (database) => {
  const clock = new TestClock();
  const serviceWith = (config: SupportConfig = aDeskConfig().build()) =>
    new TicketService(database().store, new DeskDirectory(config), clock);
  const open = (service: TicketService, form = aForm().build(), requester: Actor = people.alice, sourceKey?: string) =>
    service.openTicket({ platform: 'discord', workspaceId: ids.guild, requester, form, sourceKey: sourceKey ?? null });
  const say = (service: TicketService, ticketId: number, author: Actor = people.alice, body = 'hello') =>
    service.recordMessage({ ticketId, author, channelId: `thread-${ticketId}`, messageId: nextMessageId(), body });

  it('GIVEN a valid form WHEN a member opens a ticket THEN it is stored open, numbered, with its first message and event', async () => {
    const service = serviceWith();
    const first = await open(service, aForm().subject('Charged twice').answer('order', 'A-7').build());
    const second = await open(service);
    expect(first.created).toBe(true);
    expect(first.ticket).toMatchObject({
      number: 1,
      status: 'open',
      priority: 'normal',
      categoryKey: 'billing',
      subject: 'Charged twice',
      requesterId: people.alice.id,
      answers: [{ key: 'order', label: 'Order number', value: 'A-7' }],
    });
    expect(service.label(first.ticket)).toBe('CS-0001');
    expect(service.label(second.ticket)).toBe('CS-0002');
    const record = await service.record(first.ticket.id, people.alice);
    expect(record.messages).toHaveLength(1);
    expect(record.messages[0]).toMatchObject({ authorRole: 'requester', body: 'I was charged twice for the same order last week.' });
    expect(record.events.map((e) => [e.type, e.toStatus, e.actorId])).toEqual([['opened', 'open', people.alice.id]]);
    const stored = await service.ticketById(first.ticket.id);
    expect(stored.createdAt).toEqual(clock.now());
  });

  it('GIVEN a form submitted twice WHEN the second arrives THEN the same ticket comes back and nothing else is created', async () => {
    const service = serviceWith();
    const form = aForm().build();
    const first = await open(service, form, people.alice, 'modal:abc');
    const again = await open(service, form, people.alice, 'modal:abc');
    expect(again.created).toBe(false);
    expect(again.ticket.id).toBe(first.ticket.id);
    expect(await service.list('discord', ids.guild, people.mia, { status: 'all' })).toHaveLength(1);
  });

  it('GIVEN an open ticket WHEN the same requester opens one with the same subject THEN it is refused as a duplicate', async () => {
    const service = serviceWith();
    await open(service, aForm().subject('Refund please').build());
    expect(await refusalOf(open(service, aForm().subject('  refund   PLEASE! ').build()))).toEqual({ code: 'duplicate_ticket', existing: 'CS-0001' });
    // Someone else may ask the same thing.
    expect((await open(service, aForm().subject('Refund please').build(), people.bob)).created).toBe(true);
  });

  it('GIVEN the open-ticket limit is reached WHEN the requester opens another THEN it is refused and listed', async () => {
    const service = serviceWith(aDeskConfig().withLimits({ maxOpenPerUser: 2 }).build());
    await open(service);
    const second = await open(service);
    expect(await refusalOf(open(service))).toEqual({ code: 'too_many_open_tickets', max: 2, open: ['CS-0001', 'CS-0002'] });
    await service.close(second.ticket.id, people.alice, null);
    expect((await open(service)).ticket.number).toBe(3);
  });

  it('GIVEN a cooldown WHEN the requester opens again too soon THEN they are told how long to wait', async () => {
    const service = serviceWith(aDeskConfig().withLimits({ cooldownSeconds: 60 }).build());
    await open(service);
    clock.advance({ seconds: 15 });
    expect(await refusalOf(open(service))).toEqual({ code: 'cooldown', retryAfterSeconds: 45 });
    clock.advance({ seconds: 45 });
    expect((await open(service)).created).toBe(true);
  });

  it('GIVEN tickets of several requesters WHEN an opening is checked THEN one read finds the form already opened, the active tickets in order, and the latest opening even when closed', async () => {
    const service = serviceWith(aDeskConfig().withLimits({ cooldownSeconds: 60, maxOpenPerUser: 5 }).build());
    const first = await open(service, aForm().subject('First').build(), people.alice, 'form:first');
    clock.advance({ minutes: 5 });
    const second = await open(service, aForm().subject('Second').build());
    clock.advance({ minutes: 5 });
    const third = await open(service, aForm().subject('Third').build());
    await open(service, aForm().subject('Not hers').build(), people.bob, 'form:bob');
    await service.close(third.ticket.id, people.alice, null);
    const find = (options: { sourceKey: string | null; latest: boolean }) =>
      database().store.read((tx) => tx.findOpeningsOf(first.ticket.deskId, people.alice.id, options));

    const all = await find({ sourceKey: 'form:first', latest: true });
    expect(all.bySource?.id).toBe(first.ticket.id);
    expect(all.active.map((t) => t.subject)).toEqual(['First', 'Second']);
    expect(all.latest).toEqual(third.ticket.createdAt);
    // A source key names one form, whoever sent it; without a source key or the latest, neither is looked for.
    expect(await find({ sourceKey: 'form:bob', latest: false })).toMatchObject({ bySource: { subject: 'Not hers' }, latest: null });
    const activeOnly = await find({ sourceKey: null, latest: false });
    expect([activeOnly.bySource, activeOnly.active.map((t) => t.id), activeOnly.latest]).toEqual([null, [first.ticket.id, second.ticket.id], null]);
    // The cooldown counts the closed ticket: it was the latest opening.
    expect(await refusalOf(open(service, aForm().subject('Fourth').build()))).toMatchObject({ code: 'cooldown' });
  });

  it('GIVEN a refused form WHEN it is submitted THEN nothing is written, not even a ticket number', async () => {
    const service = serviceWith();
    const refusal = await refusalOf(open(service, aForm().subject(' ').file('x.exe', 'application/x-msdownload', 10).build()));
    expect(refusal).toMatchObject({ code: 'invalid_form' });
    expect(await refusalOf(open(service, aForm().category('gone').build()))).toEqual({ code: 'unknown_category', categoryKey: 'gone' });
    const counters = await database().dataSource.query('SELECT * FROM desk_counters');
    expect(counters).toEqual([]);
    expect((await open(service)).ticket.number).toBe(1);
  });

  it('GIVEN a workspace with no desk WHEN someone opens a ticket THEN it is refused', async () => {
    const service = serviceWith();
    const refusal = await refusalOf(service.openTicket({ platform: 'discord', workspaceId: '999999999999999999', requester: people.alice, form: aForm().build() }));
    expect(refusal).toEqual({ code: 'desk_not_configured', workspaceId: '999999999999999999' });
  });

  it('GIVEN an open ticket WHEN an agent answers THEN it is pending with a first-response time, and the requester reopens it by writing', async () => {
    const service = serviceWith();
    const { ticket } = await open(service);
    clock.advance({ minutes: 30 });
    const reply = await say(service, ticket.id, people.anna, 'Could you send the invoice?');
    expect(reply).toMatchObject({ role: 'agent', statusChange: { from: 'open', to: 'pending' }, firstResponse: true });
    expect(reply.ticket.firstResponseAt).toEqual(clock.now());
    clock.advance({ minutes: 5 });
    const second = await say(service, ticket.id, people.anna, 'Anything else?');
    expect(second).toMatchObject({ statusChange: null, firstResponse: false });
    const answer = await say(service, ticket.id, people.alice, 'Here it is');
    expect(answer).toMatchObject({ role: 'requester', statusChange: { from: 'pending', to: 'open' } });
    const stored = await service.ticketById(ticket.id);
    expect(stored.status).toBe('open');
    expect(stored.lastActivityAt).toEqual(clock.now());
    const events = (await service.record(ticket.id, people.anna)).events;
    expect(events.filter((e) => e.type === 'status_changed').map((e) => [e.fromStatus, e.toStatus, e.actorId])).toEqual([
      ['open', 'pending', people.anna.id],
      ['pending', 'open', people.alice.id],
    ]);
  });

  it('GIVEN an agent answer WHEN an older requester message is delivered after it THEN it is kept in its place and the ticket stays pending', async () => {
    const service = serviceWith();
    const { ticket } = await open(service);
    const written = (seconds: number) => new Date(clock.now().getTime() + seconds * 1000);
    const at = (author: Actor, body: string, seconds: number) =>
      service.recordMessage({ ticketId: ticket.id, author, channelId: `thread-${ticket.id}`, messageId: nextMessageId(), body, at: written(seconds) });
    // The requester wrote at :01 and the agent answered at :02; the platform delivered the answer first.
    expect((await at(people.anna, 'Could you send the invoice?', 2)).statusChange).toEqual({ from: 'open', to: 'pending' });
    const late = await at(people.alice, 'Hello? Anyone there?', 1);
    expect(late).toMatchObject({ duplicate: false, statusChange: null });
    expect(late.ticket.status).toBe('pending');
    const record = await service.record(ticket.id, people.anna);
    expect(record.messages.map((m) => m.body)).toEqual([ticket.description, 'Hello? Anyone there?', 'Could you send the invoice?']);
    // A message written after the answer moves the status as usual.
    expect((await at(people.alice, 'Here it is', 3)).statusChange).toEqual({ from: 'pending', to: 'open' });
    expect((await service.ticketById(ticket.id)).lastMessageAt).toEqual(written(3));
  });

  it('GIVEN a ticket WHEN an agent writes an internal note THEN it is kept, hidden from the requester, and changes nothing', async () => {
    const service = serviceWith();
    const { ticket } = await open(service);
    const note = await service.recordNote({ ticketId: ticket.id, author: people.anna, channelId: 'log', messageId: nextMessageId(), body: 'VIP customer' });
    expect(note.message.visibility).toBe('internal');
    expect((await service.ticketById(ticket.id)).status).toBe('open');
    expect((await service.record(ticket.id, people.alice)).messages.map((m) => m.body)).not.toContain('VIP customer');
    expect((await service.record(ticket.id, people.anna)).messages.map((m) => m.body)).toContain('VIP customer');
    expect(await refusalOf(service.recordNote({ ticketId: ticket.id, author: people.alice, channelId: 'log', messageId: nextMessageId(), body: 'x' }))).toEqual({
      code: 'not_allowed',
      action: 'note',
    });
  });

  it('GIVEN a message already recorded WHEN the platform delivers it again THEN it is stored once', async () => {
    const service = serviceWith();
    const { ticket } = await open(service);
    const message = { ticketId: ticket.id, author: people.anna, channelId: 'thread', messageId: '1234', body: 'hi' };
    const first = await service.recordMessage(message);
    const again = await service.recordMessage(message);
    expect(again.duplicate).toBe(true);
    expect(again.message.id).toBe(first.message.id);
    expect((await service.record(ticket.id, people.anna)).messages).toHaveLength(2);
  });

  it('GIVEN a mirrored copy WHEN it comes back from the platform THEN it is recognised as the original, not a new message', async () => {
    const service = serviceWith();
    const { ticket } = await open(service);
    const { message } = await say(service, ticket.id, people.alice, 'my question');
    expect(await service.recordCopy(message.id, { channelId: 'staff', messageId: 'copy-1', purpose: 'mirror' })).toBe(true);
    expect(await service.recordCopy(message.id, { channelId: 'staff', messageId: 'copy-1', purpose: 'mirror' })).toBe(false);
    const echo = await service.recordMessage({ ticketId: ticket.id, author: people.alice, channelId: 'staff', messageId: 'copy-1', body: 'my question' });
    expect(echo.duplicate).toBe(true);
    expect((await service.messageAt('staff', 'copy-1'))?.id).toBe(message.id);
    expect((await service.messageAt('staff', 'copy-1'))?.copies).toEqual([{ channelId: 'staff', messageId: 'copy-1', purpose: 'mirror' }]);
  });

  it('GIVEN many copies recorded at once WHEN some are known, some listed twice and one is of no message THEN each gets its own answer', async () => {
    const service = serviceWith();
    const { ticket } = await open(service);
    const said = [];
    for (let i = 0; i < 6; i++) said.push((await say(service, ticket.id, people.alice, `question ${i}`)).message);
    expect(await service.recordCopy(said[0]!.id, { channelId: 'dm', messageId: 'copy-0', purpose: 'mirror' })).toBe(true);
    // All sent at once: those after the first wait for it, then go together in one statement.
    const answers = await Promise.allSettled([
      service.recordCopy(said[1]!.id, { channelId: 'dm', messageId: 'copy-1', purpose: 'mirror' }),
      service.recordCopy(said[0]!.id, { channelId: 'dm', messageId: 'copy-0', purpose: 'mirror' }),
      service.recordCopy(said[2]!.id, { channelId: 'dm', messageId: 'copy-2', purpose: 'mirror' }),
      service.recordCopy(said[2]!.id, { channelId: 'dm', messageId: 'copy-2', purpose: 'mirror' }),
      service.recordCopy(987_654_321, { channelId: 'dm', messageId: 'copy-of-nothing', purpose: 'mirror' }),
      ...said.slice(3).map((m, i) => service.recordCopy(m.id, { channelId: 'dm', messageId: `copy-${i + 3}`, purpose: 'notification' })),
    ]);
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value : 'failed'))).toEqual([true, false, true, false, 'failed', true, true, true]);
    for (const [i, m] of said.entries()) {
      expect((await service.messageAt('dm', `copy-${i}`))?.id).toBe(m.id);
    }
    expect(await service.messageAt('dm', 'copy-of-nothing')).toBeNull();
    expect((await service.messageAt('dm', 'copy-2'))?.copies).toEqual([{ channelId: 'dm', messageId: 'copy-2', purpose: 'mirror' }]);
  });

  it('GIVEN messages and a claim WHEN they update the ticket THEN only the columns they change are written, and a change made meanwhile is kept', async () => {
    const service = serviceWith();
    const ticket = await aTicket(service).build();
    await service.attachSpaces(ticket.id, { channelId: ids.billingChannel, threadId: '4000000000000000001', cardMessageId: '4000000000000000002' });
    // Columns of the ticket's indexes that a message does not change: a trigger notes each time one is in an
    // UPDATE's SET list (the database then rewrites that column's index entries, changed or not).
    const watched = ['number', 'source_key', 'thread_id', 'requester_thread_id', 'created_at', 'first_response_due_at'];
    const sql = (text: string) => database().dataSource.query(text);
    await sql('CREATE TABLE column_writes (name varchar(40))');
    if (database().dialect === 'postgres') {
      await sql("CREATE FUNCTION note_column_write() RETURNS trigger AS $$ BEGIN INSERT INTO column_writes VALUES (TG_ARGV[0]); RETURN NULL; END $$ LANGUAGE plpgsql");
      for (const c of watched) await sql(`CREATE TRIGGER written_${c} AFTER UPDATE OF ${c} ON tickets FOR EACH ROW EXECUTE FUNCTION note_column_write('${c}')`);
    } else {
      for (const c of watched) await sql(`CREATE TRIGGER written_${c} AFTER UPDATE OF ${c} ON tickets BEGIN INSERT INTO column_writes VALUES ('${c}'); END`);
    }
    const writes = async () => ((await sql('SELECT name FROM column_writes')) as Array<{ name: string }>).map((r) => r.name);
    try {
      await say(service, ticket.id, people.anna, 'Could you send the invoice?');
      await say(service, ticket.id, people.alice, 'Here it is');
      await service.claim(ticket.id, people.anna);
      expect(await writes()).toEqual([]);
      // The trigger does see a write of its column.
      await service.attachSpaces(ticket.id, { threadId: '4000000000000000003' });
      expect(await writes()).toEqual(['thread_id']);

      // A ticket saved in the work that read it keeps what another statement of the same work wrote to other fields.
      await database().store.transaction(async (tx) => {
        const read = (await tx.findTicketById(ticket.id))!;
        await tx.patchTicket(ticket.id, { assigneeName: 'Someone else' });
        read.subject = 'Invoice sent twice';
        await tx.updateTicket(read);
      });
      expect(await service.ticketById(ticket.id)).toMatchObject({ subject: 'Invoice sent twice', assigneeName: 'Someone else', status: 'open', threadId: '4000000000000000003' });
    } finally {
      await sql('DROP TABLE column_writes');
      if (database().dialect === 'postgres') await sql('DROP FUNCTION note_column_write CASCADE');
      else for (const c of watched) await sql(`DROP TRIGGER written_${c}`);
    }
  });

  it('GIVEN a message WHEN it is edited and deleted THEN every version is kept', async () => {
    const service = serviceWith();
    const { ticket } = await open(service);
    const { message } = await service.recordMessage({ ticketId: ticket.id, author: people.alice, channelId: 'c', messageId: 'm', body: 'first' });
    clock.advance({ minutes: 1 });
    const edit = await service.recordEdit('c', 'm', 'second');
    expect(edit).toMatchObject({ previousBody: 'first', message: { body: 'second' } });
    expect(await service.recordEdit('c', 'm', 'second')).toBeNull();
    expect(await service.recordEdit('c', 'unknown', 'x')).toBeNull();
    clock.advance({ minutes: 1 });
    expect(await service.recordDeletion('c', 'm')).toMatchObject({ message: { id: message.id } });
    const stored = (await service.record(ticket.id, people.alice)).messages.find((m) => m.id === message.id)!;
    expect(stored.body).toBe('second');
    expect(stored.editedAt).not.toBeNull();
    expect(stored.deletedAt).toEqual(clock.now());
    const revisions = await database().store.transaction((tx) => tx.listRevisions(message.id));
    expect(revisions.map((r) => r.body)).toEqual(['first']);
  });

  it('GIVEN attachments WHEN a ticket is opened with them THEN their bytes are stored and their metadata recorded', async () => {
    const service = serviceWith();
    const storage = new LocalAttachmentStorage(mkdtempSync(join(tmpdir(), 'attachments-')));
    const bytes = new TextEncoder().encode('%PDF-1.4 invoice');
    const stored = await storage.put(bytes);
    const again = await storage.put(bytes);
    expect(again.storageKey).toBe(stored.storageKey);
    const opened = await service.openTicket({
      platform: 'discord',
      workspaceId: ids.guild,
      requester: people.alice,
      form: aForm().file('invoice.pdf', 'application/pdf', bytes.byteLength).build(),
      files: [{ ...stored, name: 'invoice.pdf', contentType: 'application/pdf' }],
    });
    const [attachment] = opened.openingMessage.attachments;
    expect(attachment).toMatchObject({ name: 'invoice.pdf', size: bytes.byteLength, sha256: stored.sha256, ticketId: opened.ticket.id });
    expect(Buffer.from(await storage.get(attachment!.storageKey)).toString()).toBe('%PDF-1.4 invoice');
    expect(readFileSync(join(storage.root, stored.storageKey), 'utf8')).toBe('%PDF-1.4 invoice');
    await expect(storage.get('../../etc/passwd')).rejects.toThrow(/not an attachment storage key/);
  });

  it('GIVEN files whose real size is over the limit WHEN the form declared less THEN the real size is refused', async () => {
    const service = serviceWith(aDeskConfig().withLimits({ maxAttachmentBytes: 10 }).build());
    const refusal = await refusalOf(
      service.openTicket({
        platform: 'discord',
        workspaceId: ids.guild,
        requester: people.alice,
        form: aForm().file('a.png', 'image/png', 5).build(),
        files: [{ name: 'a.png', contentType: 'image/png', size: 11, sha256: 'x'.repeat(64), storageKey: 'xx/' + 'x'.repeat(64) }],
      }),
    );
    expect(refusal).toEqual({ code: 'invalid_form', problems: [{ field: 'attachments', problem: 'too_large', fileName: 'a.png', maxBytes: 10 }] });
  });

  it('GIVEN a ticket WHEN staff claim, assign, prioritise and move it THEN each is checked and recorded', async () => {
    const service = serviceWith();
    const ticket = await aTicket(service).build();
    expect(await refusalOf(service.claim(ticket.id, people.bob))).toEqual({ code: 'not_allowed', action: 'claim' });
    expect(await refusalOf(service.claim(ticket.id, people.tom))).toEqual({ code: 'not_allowed', action: 'claim' });
    expect((await service.claim(ticket.id, people.anna)).ticket.assigneeId).toBe(people.anna.id);
    expect(await refusalOf(service.claim(ticket.id, people.mia))).toEqual({ code: 'already_claimed', by: people.anna.name });
    expect(await refusalOf(service.assign(ticket.id, people.mia, people.bob))).toEqual({ code: 'assignee_not_agent', assignee: 'Bob' });
    expect((await service.assign(ticket.id, people.mia, people.mia)).ticket.assigneeName).toBe(people.mia.name);
    expect((await service.setPriority(ticket.id, people.anna, 'urgent')).ticket.priority).toBe('urgent');
    expect(await refusalOf(service.setPriority(ticket.id, people.anna, 'urgent'))).toEqual({ code: 'same_priority', priority: 'urgent' });
    expect(await refusalOf(service.setPriority(ticket.id, people.anna, 'critical'))).toEqual({ code: 'invalid_priority', priority: 'critical' });
    expect(await refusalOf(service.move(ticket.id, people.anna, 'technical'))).toEqual({ code: 'not_allowed', action: 'move' });
    expect(await refusalOf(service.move(ticket.id, people.mia, 'nowhere'))).toEqual({ code: 'unknown_category', categoryKey: 'nowhere' });
    const moved = await service.move(ticket.id, people.mia, 'technical');
    expect(moved.ticket.categoryKey).toBe('technical');
    expect(moved.to.key).toBe('technical');
    // Now the technical agent works it and the billing agent no longer may.
    expect(await refusalOf(service.resolve(ticket.id, people.anna))).toEqual({ code: 'not_allowed', action: 'resolve' });
    const events = (await service.record(ticket.id, people.mia)).events.map((e) => [e.type, e.actorId, e.data]);
    expect(events).toEqual([
      ['opened', people.alice.id, null],
      ['claimed', people.anna.id, null],
      ['assigned', people.mia.id, { from: people.anna.id, to: people.mia.id, toName: people.mia.name }],
      ['priority_changed', people.anna.id, { from: 'normal', to: 'urgent' }],
      ['moved', people.mia.id, { from: 'billing', to: 'technical' }],
    ]);
  });

  it('GIVEN a ticket WHEN staff add and remove a participant THEN the participant may write and then may not view', async () => {
    const service = serviceWith();
    const ticket = await aTicket(service).build();
    expect(await refusalOf(service.record(ticket.id, people.bob))).toEqual({ code: 'not_allowed', action: 'view' });
    await service.addParticipant(ticket.id, people.anna, people.bob);
    expect(await refusalOf(service.addParticipant(ticket.id, people.anna, people.bob))).toEqual({ code: 'already_participant', user: 'Bob' });
    expect(await refusalOf(service.addParticipant(ticket.id, people.anna, people.alice))).toEqual({ code: 'cannot_add_requester' });
    expect(await refusalOf(service.addParticipant(ticket.id, people.alice, people.bob))).toEqual({ code: 'not_allowed', action: 'add_participant' });
    expect((await say(service, ticket.id, people.bob, 'I have the same issue')).role).toBe('participant');
    expect((await service.record(ticket.id, people.bob)).ticket.id).toBe(ticket.id);
    await service.removeParticipant(ticket.id, people.anna, people.bob);
    expect(await refusalOf(service.record(ticket.id, people.bob))).toEqual({ code: 'not_allowed', action: 'view' });
    expect(await refusalOf(service.removeParticipant(ticket.id, people.anna, people.bob))).toEqual({ code: 'not_participant', user: 'Bob' });
  });

  it('GIVEN a ticket WHEN it is resolved, closed with a reason and reopened THEN each transition is recorded with actor and reason', async () => {
    const service = serviceWith();
    const ticket = await aTicket(service).pending().build();
    expect(await refusalOf(service.resolve(ticket.id, people.alice))).toEqual({ code: 'not_allowed', action: 'resolve' });
    expect((await service.resolve(ticket.id, people.anna)).ticket.status).toBe('resolved');
    expect(await refusalOf(service.resolve(ticket.id, people.anna))).toEqual({ code: 'invalid_status', action: 'resolve', status: 'resolved' });
    const closed = await service.close(ticket.id, people.mia, '  Refund issued \u202E ');
    expect(closed.ticket).toMatchObject({ status: 'closed', closeReason: 'Refund issued', closedById: people.mia.id });
    expect(await refusalOf(service.close(ticket.id, people.mia))).toEqual({ code: 'invalid_status', action: 'close', status: 'closed' });
    expect(await refusalOf(service.claim(ticket.id, people.anna))).toEqual({ code: 'invalid_status', action: 'claim', status: 'closed' });
    const reopened = await service.reopen(ticket.id, people.mia);
    expect(reopened.ticket).toMatchObject({ status: 'open', closedAt: null, closeReason: null });
    const events = (await service.record(ticket.id, people.mia)).events
      .filter((e) => ['resolved', 'closed', 'reopened'].includes(e.type))
      .map((e) => [e.type, e.fromStatus, e.toStatus, e.reason, e.actorId]);
    expect(events).toEqual([
      ['resolved', 'pending', 'resolved', null, people.anna.id],
      ['closed', 'resolved', 'closed', 'Refund issued', people.mia.id],
      ['reopened', 'closed', 'open', null, people.mia.id],
    ]);
  });

  it('GIVEN a resolved ticket WHEN the requester writes THEN it is open again', async () => {
    const service = serviceWith();
    const ticket = await aTicket(service).resolved().build();
    expect((await say(service, ticket.id, people.alice, 'Still broken')).statusChange).toEqual({ from: 'resolved', to: 'open' });
    expect((await service.ticketById(ticket.id)).resolvedAt).toBeNull();
  });

  it('GIVEN a closed ticket WHEN someone writes in it THEN the message is kept and it stays closed', async () => {
    const service = serviceWith();
    const ticket = await aTicket(service).closed().build();
    const late = await say(service, ticket.id, people.alice, 'one more thing');
    expect(late.statusChange).toBeNull();
    expect(late.ticket.status).toBe('closed');
    expect((await service.record(ticket.id, people.alice)).messages.map((m) => m.body)).toContain('one more thing');
  });

  it('GIVEN a closed ticket WHEN the requester reopens THEN a reason is required and the window is enforced; moderators always may', async () => {
    const service = serviceWith(aDeskConfig().withAutoClose({ requesterReopenDays: 7 }).build());
    const ticket = await aTicket(service).closed().build();
    expect(await refusalOf(service.reopen(ticket.id, people.alice, '   '))).toEqual({ code: 'reason_required', action: 'reopen' });
    expect(await refusalOf(service.reopen(ticket.id, people.bob, 'mine now'))).toEqual({ code: 'not_allowed', action: 'reopen' });
    expect(await refusalOf(service.reopen(ticket.id, people.alice, 'x'.repeat(501)))).toEqual({ code: 'reason_too_long', max: 500 });
    clock.advance({ days: 6 });
    expect((await service.reopen(ticket.id, people.alice, 'The refund never arrived')).ticket.status).toBe('open');
    await service.close(ticket.id, people.alice, null);
    clock.advance({ days: 7, minutes: 1 });
    expect(await refusalOf(service.reopen(ticket.id, people.alice, 'again'))).toEqual({ code: 'reopen_window_passed', days: 7 });
    expect(await refusalOf(service.reopen(ticket.id, people.alice, 'again'))).toEqual({ code: 'reopen_window_passed', days: 7 });
    expect((await service.reopen(ticket.id, people.mia, null)).ticket.status).toBe('open');
    expect(await refusalOf(service.reopen(ticket.id, people.mia, null))).toEqual({ code: 'invalid_status', action: 'reopen', status: 'open' });
  });

  it('GIVEN tickets WHEN listing THEN filters apply and each person sees only what they may', async () => {
    const service = serviceWith();
    const a = await aTicket(service).subject('Invoice missing 100% of lines').build();
    const b = await aTicket(service).in('technical').subject('App crashes on start').pending(people.tom).build();
    const c = await aTicket(service).by(people.bob).subject('Refund for order_42').closed().build();
    await service.claim(a.id, people.anna);
    const numbers = (list: Array<{ number: number }>) => list.map((t) => t.number);

    expect(numbers(await service.list('discord', ids.guild, people.mia, { status: 'all' }))).toEqual([c.number, b.number, a.number]);
    expect(numbers(await service.list('discord', ids.guild, people.mia))).toEqual([b.number, a.number]);
    expect(numbers(await service.list('discord', ids.guild, people.mia, { status: 'pending' }))).toEqual([b.number]);
    expect(numbers(await service.list('discord', ids.guild, people.mia, { status: 'all', requesterId: people.bob.id }))).toEqual([c.number]);
    expect(numbers(await service.list('discord', ids.guild, people.mia, { assigneeId: people.anna.id }))).toEqual([a.number]);
    expect(numbers(await service.list('discord', ids.guild, people.mia, { assigneeId: 'none' }))).toEqual([b.number]);
    expect(numbers(await service.list('discord', ids.guild, people.mia, { categoryKey: 'technical' }))).toEqual([b.number]);
    expect(numbers(await service.list('discord', ids.guild, people.mia, { status: 'all', text: 'CRASHES' }))).toEqual([b.number]);
    expect(numbers(await service.list('discord', ids.guild, people.mia, { status: 'all', text: '100%' }))).toEqual([a.number]);
    expect(numbers(await service.list('discord', ids.guild, people.mia, { status: 'all', text: 'order_4' }))).toEqual([c.number]);
    expect(numbers(await service.list('discord', ids.guild, people.mia, { status: 'all', text: '%' }))).toEqual([a.number]);
    // Agents see their categories; members only their own tickets.
    expect(numbers(await service.list('discord', ids.guild, people.anna, { status: 'all' }))).toEqual([c.number, a.number]);
    expect(numbers(await service.list('discord', ids.guild, people.anna, { categoryKey: 'technical' }))).toEqual([]);
    expect(numbers(await service.list('discord', ids.guild, people.bob, { status: 'all' }))).toEqual([c.number]);
    expect(numbers(await service.list('discord', ids.guild, people.bob, { status: 'all', requesterId: people.alice.id }))).toEqual([]);
  });

  it('GIVEN ticket spaces WHEN the adapter records them THEN the ticket is found by them, and by its number', async () => {
    const service = serviceWith();
    const ticket = await aTicket(service).build();
    await service.attachSpaces(ticket.id, { channelId: ids.billingChannel, threadId: '4000000000000000001', cardMessageId: '4000000000000000002' });
    expect((await service.ticketBySpace('discord', ids.billingChannel, '4000000000000000001'))?.id).toBe(ticket.id);
    expect(await service.ticketBySpace('discord', ids.billingChannel, '4000000000000000009')).toBeNull();
    expect(await service.ticketBySpace('slack', ids.billingChannel, '4000000000000000001')).toBeNull();
    expect((await service.ticketByReference('discord', ids.guild, 'CS-0001')).id).toBe(ticket.id);
    expect((await service.ticketByReference('discord', ids.guild, '#1')).id).toBe(ticket.id);
    expect(await refusalOf(service.ticketByReference('discord', ids.guild, '77'))).toEqual({ code: 'ticket_not_found', reference: '77' });
    expect(await refusalOf(service.ticketByReference('slack', ids.team, '1'))).toEqual({ code: 'ticket_not_found', reference: '1' });
  });

  it('GIVEN a message delivered twice WHEN it is recorded THEN it is stored once, and the second answers with the first', async () => {
    const service = serviceWith();
    const { ticket } = await open(service);
    const incoming = { ticketId: ticket.id, author: people.alice, channelId: `thread-${ticket.id}`, messageId: nextMessageId(), body: 'Once' };
    const first = await service.recordMessage(incoming);
    const second = await service.recordMessage({ ...incoming, body: 'Once, delivered again' });
    expect([first.duplicate, second.duplicate, second.message.id, second.message.body, second.statusChange]).toEqual([false, true, first.message.id, 'Once', null]);
    expect((await service.record(ticket.id, people.alice)).messages.filter((m) => m.body.startsWith('Once'))).toHaveLength(1);
  });

  it('GIVEN many openings at once in one process WHEN they run concurrently THEN numbers are unique and gapless', async () => {
    const service = serviceWith();
    const requesters = Array.from({ length: 40 }, (_, i) => ({ id: `50000000000000${String(i).padStart(4, '0')}`, name: `member ${i}` }));
    const opened = await Promise.all(requesters.map((r) => open(service, aForm().build(), r)));
    expect(opened.map((o) => o.ticket.number).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('GIVEN one requester submitting many forms at once WHEN the limit is 3 THEN exactly 3 tickets open', async () => {
    const service = serviceWith(aDeskConfig().withLimits({ maxOpenPerUser: 3 }).build());
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => open(service)));
    const opened = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as RefusalError).refusal.code);
    expect(opened).toHaveLength(3);
    expect(new Set(refused)).toEqual(new Set(['too_many_open_tickets']));
  });
});
