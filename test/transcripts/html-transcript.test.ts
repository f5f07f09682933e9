import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHtmlTranscript, renderJsonExport, type TranscriptInput } from '../../src/transcripts/html-transcript.js';
import type { TicketExport } from '../../src/transcripts/json-export.js';
import { definitions, elementByClass, elementById, startTags, visibleText } from './markup.js';
import { encodePng, solidImage } from './png.js';
import { aTicketRecord, people, type TicketRecordBuilder } from './ticket-record-builder.js';

const MiB = 1024 * 1024;

function inputFor(builder: TicketRecordBuilder, overrides: Partial<TranscriptInput> = {}): TranscriptInput {
  return {
    record: builder.build(),
    label: 'CS-0042',
    categoryLabel: '💳 Billing',
    language: 'en',
    audience: 'staff',
    loadAttachment: builder.attachments.load,
    generatedAt: new Date('2026-11-24T09:00:00Z'),
    ...overrides,
  };
}

function render(builder: TicketRecordBuilder, overrides: Partial<TranscriptInput> = {}): Promise<string> {
  return renderHtmlTranscript(inputFor(builder, overrides));
}

function message(page: string, id: number): string {
  return elementById(page, 'article', `message-${id}`);
}

function headerFacts(page: string): Record<string, string> {
  const header = elementByClass(page, 'header', 'ticket') ?? '';
  return definitions(/<dl>[\s\S]*?<\/dl>/.exec(header)?.[0] ?? '');
}

const png = encodePng(solidImage(4, 2, [220, 30, 120, 255]));

describe('HTML transcript', () => {
  describe('escaping', () => {
    const hostile = () =>
      aTicketRecord()
        .with({
          subject: '<script>alert("subject")</script>',
          requesterName: '"><img src=x onerror=alert(1)>',
          answers: [{ key: 'order', label: 'Order <b>number</b>', value: '</dd><script>alert(2)</script>' }],
        })
        .message(people.alice, 'Look: <img src=x onerror="alert(3)"> and [click](javascript:alert(4))', {
          files: [
            { name: 'x" onmouseover="alert(5).pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4') },
            { name: 'javascript:alert(6)', contentType: 'text/html', bytes: Buffer.from('<script>alert(7)</script>'), sourceUrl: 'javascript:alert(8)' },
            { name: 'logo.svg', contentType: 'image/svg+xml', bytes: Buffer.from('<svg onload="alert(9)"/>') },
            { name: 'pic" onerror="alert(10).png', contentType: 'image/png', bytes: png },
          ],
        })
        .event('participant_added', { id: 'U-EVIL', name: '<i onclick="alert(11)">Eve</i>', role: 'agent' }, { data: { userName: '<u>Mallory</u>' } })
        .closedBy(people.anna, 'Closed: </li><script>alert(12)</script>');

    it('GIVEN script tags, event handlers and javascript: links in user text WHEN rendered THEN the page has no script and only its own elements and attributes', async () => {
      const page = await render(hostile());

      expect(page).not.toMatch(/<script/i);
      const tags = startTags(page);
      const names = new Set(tags.map((t) => t.name));
      const attributes = new Set(tags.flatMap((t) => [...t.attributes.keys()]));
      expect([...names].filter((n) => !ALLOWED_ELEMENTS.has(n))).toEqual([]);
      expect([...attributes].filter((a) => !ALLOWED_ATTRIBUTES.has(a))).toEqual([]);
      const hrefs = tags.flatMap((t) => t.attributes.get('href') ?? []);
      const sources = tags.flatMap((t) => t.attributes.get('src') ?? []);
      expect(hrefs).toHaveLength(3);
      for (const href of hrefs) expect(href).toMatch(/^data:application\/octet-stream;base64,[A-Za-z0-9+/=]+$/);
      expect(sources).toEqual([`data:image/png;base64,${png.toString('base64')}`]);
    });

    it('GIVEN hostile text WHEN rendered THEN readers see it literally, quotes included', async () => {
      const page = await render(hostile());
      const text = visibleText(page);

      expect(text).toContain('CS-0042 <script>alert("subject")</script>');
      expect(text).toContain('Look: <img src=x onerror="alert(3)"> and [click](javascript:alert(4))');
      expect(text).toContain('Reason: Closed: </li><script>alert(12)</script>');
      expect(text).toContain('<i onclick="alert(11)">Eve</i> added <u>Mallory</u> to the ticket');
      expect(headerFacts(page).Requester).toBe('"><img src=x onerror=alert(1)>');
      expect(definitions(elementByClass(page, 'section', 'answers') ?? '')).toEqual({ 'Order <b>number</b>': '</dd><script>alert(2)</script>' });
      const downloads = startTags(page).filter((t) => t.name === 'a').map((t) => t.attributes.get('download'));
      expect(downloads).toEqual(['x" onmouseover="alert(5).pdf', 'javascript:alert(6)', 'logo.svg']);
      const image = startTags(page).find((t) => t.name === 'img');
      expect(image?.attributes.get('alt')).toBe('pic" onerror="alert(10).png');
    });
  });

  it('GIVEN any ticket WHEN rendered THEN it is one self-contained page whose policy allows no script and only its own stylesheet', async () => {
    const page = await render(aTicketRecord().message(people.alice, 'Hello'));

    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    const metas = startTags(page).filter((t) => t.name === 'meta');
    expect(metas[0]?.attributes.get('charset')).toBe('utf-8');
    const policy = metas.find((m) => m.attributes.get('http-equiv') === 'Content-Security-Policy')?.attributes.get('content') ?? '';
    const directives = new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values.join(' ')]));
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'none'");
    expect(directives.get('img-src')).toBe('data:');
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
    expect(directives.get('style-src')).toBe(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(page.indexOf('Content-Security-Policy')).toBeLessThan(page.indexOf('<style>'));
    expect(page).not.toMatch(/\b(?:https?:)?\/\/|@import|url\(/);
    expect(style).toMatch(/@media print/);
    expect(style).toMatch(/@media \(max-width: \d+px\)/);
    expect(metas.some((m) => m.attributes.get('name') === 'viewport')).toBe(true);
  });

  it('GIVEN a closed ticket WHEN rendered THEN the header shows its number, subject, category, status, priority, people, times, reason and answers', async () => {
    const page = await render(
      aTicketRecord()
        .with({ priority: 'high' })
        .message(people.alice, 'Hello')
        .claimedBy(people.anna)
        .closedBy(people.anna, 'Refunded the second charge'),
    );

    expect(visibleText(/<h1>[\s\S]*?<\/h1>/.exec(page)?.[0] ?? '')).toBe('CS-0042 Charged twice for my order');
    expect(headerFacts(page)).toEqual({
      Category: '💳 Billing',
      Status: 'Closed',
      Priority: 'High',
      Requester: 'Alice Martin',
      'Assigned to': 'Anna (billing agent)',
      Opened: '23 Nov 2026, 10:00',
      Closed: '23 Nov 2026, 10:03',
      'Close reason': 'Refunded the second charge',
    });
    expect(definitions(elementByClass(page, 'section', 'answers') ?? '')).toEqual({ 'Order number': 'A-1042' });
    expect(visibleText(elementByClass(page, 'p', 'kicker') ?? '')).toBe('Support ticket transcript · Staff copy');
  });

  it('GIVEN an open, unassigned ticket WHEN rendered THEN nobody is assigned and nothing is closed', async () => {
    const facts = headerFacts(await render(aTicketRecord().message(people.alice, 'Hello')));

    expect(facts).toMatchObject({ Status: 'Open', 'Assigned to': 'Nobody', Closed: '—' });
    expect(facts).not.toHaveProperty('Close reason');
  });

  it('GIVEN messages by every role WHEN rendered THEN each shows its author, role and time, oldest first, with line breaks kept', async () => {
    const builder = aTicketRecord()
      .message(people.alice, 'First line\nSecond line\n\n  indented')
      .message(people.anna, 'Agent answer')
      .message(people.bob, 'Participant remark')
      .message(people.bot, 'Ticket claimed');
    const record = builder.build();
    record.messages.reverse();

    const page = await renderHtmlTranscript({ ...inputFor(builder), record });

    const articles = [...page.matchAll(/<article class="([^"]*)" id="message-(\d+)">/g)].map(([, classes, id]) => `${id}:${classes}`);
    expect(articles).toEqual(['1:message role-requester', '2:message role-agent', '3:message role-participant', '4:message role-bot']);
    expect(visibleText(/<header>[\s\S]*?<\/header>/.exec(message(page, 2))?.[0] ?? '')).toBe('Anna (billing agent) Agent 23 Nov 2026, 10:02');
    expect(message(page, 1)).toContain('<p class="body">First line\nSecond line\n\n  indented</p>');
    expect(/<style>[\s\S]*?<\/style>/.exec(page)?.[0]).toMatch(/\.body \{[^}]*white-space: pre-wrap/);
  });

  describe('internal notes', () => {
    const withNote = () =>
      aTicketRecord()
        .message(people.alice, 'Can I get a refund?')
        .message(people.anna, 'Finance approved the refund, tell her tomorrow', { internal: true, earlierVersions: ['Ask finance first'] })
        .message(people.anna, 'We are looking into it.');

    it('GIVEN an internal note WHEN the requester copy is rendered THEN neither the note nor its earlier versions appear', async () => {
      const page = await render(withNote(), { audience: 'requester' });

      expect(page).not.toContain('Finance approved');
      expect(page).not.toContain('Ask finance first');
      expect(page).not.toContain('id="message-2"');
      expect(page).not.toContain('Internal note');
      expect(visibleText(page)).toContain('We are looking into it.');
      expect(visibleText(page)).toContain('Messages (2)');
      expect(visibleText(elementByClass(page, 'p', 'kicker') ?? '')).toBe('Support ticket transcript · Requester copy');
    });

    it('GIVEN an internal note WHEN the staff copy is rendered THEN it appears, marked as internal, and the copy says so', async () => {
      const page = await render(withNote(), { audience: 'staff' });
      const note = message(page, 2);

      expect(visibleText(elementByClass(page, 'p', 'kicker') ?? '')).toBe('Support ticket transcript · Staff copy: includes internal notes, not for the requester');
      expect(note).toMatch(/^<article class="message role-agent internal"/);
      expect(note).toContain('<span class="mark mark-internal">Internal note</span>');
      expect(visibleText(note)).toContain('Finance approved the refund, tell her tomorrow');
    });
  });

  it('GIVEN a message edited twice WHEN rendered THEN it is marked edited and shows its earlier versions, oldest first', async () => {
    const page = await render(aTicketRecord().message(people.alice, 'Order A-1042, charged twice', { earlierVersions: ['Order A-1041', 'Order A-1042'] }));

    const edited = message(page, 1);
    expect(edited).toContain('<span class="mark mark-edited">Edited 23 Nov 2026, 10:03</span>');
    expect(visibleText(/<p class="body">[\s\S]*?<\/p>/.exec(edited)?.[0] ?? '')).toBe('Order A-1042, charged twice');
    const revisions = elementByClass(edited, 'section', 'revisions') ?? '';
    expect([...revisions.matchAll(/<li>([\s\S]*?)<\/li>/g)].map(([, item = '']) => visibleText(item))).toEqual([
      'Until 23 Nov 2026, 10:02Order A-1041',
      'Until 23 Nov 2026, 10:03Order A-1042',
    ]);
  });

  it('GIVEN a deleted message WHEN rendered THEN it is still shown, marked deleted with the time', async () => {
    const deleted = message(await render(aTicketRecord().message(people.alice, 'Oops, wrong ticket', { deleted: true })), 1);

    expect(deleted).toMatch(/^<article class="message role-requester deleted"/);
    expect(deleted).toContain('<span class="mark mark-deleted">Deleted 23 Nov 2026, 10:02</span>');
    expect(visibleText(deleted)).toContain('Oops, wrong ticket');
  });

  describe('attachments', () => {
    const bigLog = { name: 'server.log', contentType: 'text/plain', size: 3 * MiB };
    const withFiles = () =>
      aTicketRecord().message(people.alice, 'Screenshot, invoice and log attached', {
        files: [
          { name: 'screenshot.png', contentType: 'image/png', bytes: png },
          { name: 'invoice.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4 invoice') },
          bigLog,
        ],
      });

    it('GIVEN an image, a document and a big log WHEN rendered THEN the image is inline, the document downloadable and the log listed by SHA-256 without being read', async () => {
      const builder = withFiles();
      const page = await render(builder);

      const [image, invoice, log] = builder.build().messages[0]?.attachments ?? [];
      expect(page).toContain(`<img src="data:image/png;base64,${png.toString('base64')}" alt="screenshot.png">`);
      expect(page).toContain(`<a download="invoice.pdf" href="data:application/octet-stream;base64,${Buffer.from('%PDF-1.4 invoice').toString('base64')}">invoice.pdf</a>`);
      const listed = /<li><span class="file">server\.log[\s\S]*?<\/li>/.exec(page)?.[0] ?? '';
      expect(visibleText(listed)).toBe(`server.log text/plain · 3\u00a0MB · Not embedded SHA-256 ${log?.sha256}`);
      expect(builder.attachments.requested.sort()).toEqual([image?.storageKey, invoice?.storageKey].sort());
    });

    it('GIVEN a lower inline limit WHEN rendered THEN files above it are listed, not embedded', async () => {
      const page = await render(withFiles(), { maxInlineBytes: 8 });

      expect(startTags(page).filter((t) => t.attributes.has('src') || t.attributes.has('href'))).toEqual([]);
      expect(visibleText(page)).toContain(`screenshot.png image/png · ${png.length}\u00a0bytes · Not embedded SHA-256`);
    });

    it('GIVEN a file whose bytes are gone WHEN rendered THEN the transcript is still made and lists the file as not loadable', async () => {
      const builder = withFiles();
      const invoice = builder.build().messages[0]?.attachments[1];
      builder.attachments.forget(invoice?.storageKey ?? '');

      const page = await render(builder);

      expect(visibleText(page)).toContain(`invoice.pdf application/pdf · 16\u00a0bytes · Could not be loaded SHA-256 ${invoice?.sha256}`);
      expect(page).toContain('alt="screenshot.png"');
    });
  });

  it('GIVEN events with reasons WHEN rendered THEN the timeline tells them in order', async () => {
    const page = await render(
      aTicketRecord()
        .message(people.alice, 'Hello')
        .claimedBy(people.anna)
        .event('status_changed', people.anna, { fromStatus: 'open', toStatus: 'pending' })
        .event('priority_changed', people.anna, { data: { from: 'normal', to: 'urgent' } })
        .event('assigned', people.anna, { data: { from: people.anna.id, to: null, toName: null } })
        .closedBy(people.alice, 'Solved, thanks')
        .event('reopened', people.alice, { fromStatus: 'closed', toStatus: 'open', reason: 'It happened again' }),
    );

    const items = [...(elementByClass(page, 'ol', 'timeline') ?? '').matchAll(/<li>([\s\S]*?)<\/li>/g)].map(([, item = '']) => visibleText(item));
    expect(items).toEqual([
      '23 Nov 2026, 10:00 Alice Martin opened the ticket',
      '23 Nov 2026, 10:02 Anna (billing agent) claimed the ticket',
      '23 Nov 2026, 10:03 Status changed from Open to Pending (Anna (billing agent))',
      '23 Nov 2026, 10:04 Anna (billing agent) set the priority to Urgent',
      '23 Nov 2026, 10:05 Anna (billing agent) unassigned the ticket',
      '23 Nov 2026, 10:06 Alice Martin closed the ticketReason: Solved, thanks',
      '23 Nov 2026, 10:07 Alice Martin reopened the ticketReason: It happened again',
    ]);
  });

  it('GIVEN a French desk and a time zone WHEN rendered THEN headings, names, dates and sizes are French and times local', async () => {
    const page = await render(
      aTicketRecord()
        .message(people.alice, 'Bonjour', { files: [{ name: 'journal.txt', contentType: 'text/plain', size: 5 * MiB }] })
        .message(people.anna, 'Note', { internal: true })
        .closedBy(people.anna, 'Remboursé'),
      { language: 'fr', timeZone: 'Europe/Paris', categoryLabel: '💳 Facturation' },
    );

    expect(page).toContain('<html lang="fr">');
    expect(headerFacts(page)).toMatchObject({ Catégorie: '💳 Facturation', Statut: 'Fermé', Priorité: 'Normale', Ouverture: '23 nov. 2026, 11:00' });
    const text = visibleText(page);
    expect(text).toContain('Transcription de CS-0042\u00a0: Charged twice for my order');
    for (const words of ['Réponses', 'Messages (2)', 'Historique', 'Note interne', 'Demandeur', 'Motif\u00a0: Remboursé', '5\u00a0Mo · Non intégré']) {
      expect(text).toContain(words);
    }
    expect(text).toContain('Anna (billing agent) a fermé le ticket');
    expect(text).toContain('Généré le 24 nov. 2026, 10:00. Heures exprimées en Europe/Paris.');
  });

  it('GIVEN an unknown time zone WHEN rendered THEN it is refused rather than shown in UTC', async () => {
    await expect(render(aTicketRecord(), { timeZone: 'Mars/Olympus_Mons' })).rejects.toThrow(RangeError);
  });
});

describe('JSON export', () => {
  const exported = (builder: TicketRecordBuilder, audience: 'staff' | 'requester'): TicketExport =>
    JSON.parse(renderJsonExport(builder.build(), 'CS-0042', audience)) as TicketExport;
  const ticketWithEverything = () =>
    aTicketRecord()
      .message(people.alice, 'Charged twice', { earlierVersions: ['Charged'], files: [{ name: 'receipt.png', contentType: 'image/png', bytes: png }] })
      .message(people.anna, 'Refund approved', { internal: true, earlierVersions: ['Ask finance'] })
      .message(people.anna, 'Refund on its way')
      .closedBy(people.anna, 'Refunded');

  it('GIVEN a ticket WHEN exported THEN the JSON is versioned, pretty-printed, with ISO dates and attachment metadata but no bytes', () => {
    const text = renderJsonExport(ticketWithEverything().build(), 'CS-0042', 'staff');
    const json = JSON.parse(text) as TicketExport;

    expect(text).toMatch(/^\{\n {2}"format": "support-desk-ticket",\n {2}"version": 1,\n/);
    expect(Object.keys(json)).toEqual(['format', 'version', 'audience', 'ticket', 'messages', 'events']);
    expect(json.ticket).toMatchObject({
      label: 'CS-0042',
      number: 42,
      category: 'billing',
      subject: 'Charged twice for my order',
      status: 'closed',
      requester: { id: people.alice.id, name: 'Alice Martin' },
      assignee: null,
      createdAt: '2026-11-23T10:00:00.000Z',
      closedAt: '2026-11-23T10:06:00.000Z',
      closeReason: 'Refunded',
      answers: [{ key: 'order', label: 'Order number', value: 'A-1042' }],
    });
    const [first] = json.messages;
    expect(first).toEqual({
      id: 1,
      author: { id: people.alice.id, name: 'Alice Martin', role: 'requester' },
      visibility: 'public',
      body: 'Charged twice',
      createdAt: '2026-11-23T10:01:00.000Z',
      editedAt: '2026-11-23T10:02:00.000Z',
      deletedAt: null,
      revisions: [{ body: 'Charged', replacedAt: '2026-11-23T10:02:00.000Z' }],
      attachments: [{ name: 'receipt.png', contentType: 'image/png', size: png.length, sha256: createHash('sha256').update(png).digest('hex') }],
    });
    expect(text).not.toContain(png.toString('base64'));
    expect(json.events.map((e) => [e.type, e.actor.name, e.toStatus, e.reason, e.createdAt])).toEqual([
      ['opened', 'Alice Martin', 'open', null, '2026-11-23T10:00:00.000Z'],
      ['closed', 'Anna (billing agent)', 'closed', 'Refunded', '2026-11-23T10:06:00.000Z'],
    ]);
  });

  it('GIVEN an internal note WHEN exported for the requester THEN it and its revisions are left out, and kept for staff', () => {
    const requester = exported(ticketWithEverything(), 'requester');
    const staff = exported(ticketWithEverything(), 'staff');

    expect(requester.audience).toBe('requester');
    expect(requester.messages.map((m) => m.body)).toEqual(['Charged twice', 'Refund on its way']);
    expect(JSON.stringify(requester)).not.toContain('Ask finance');
    expect(staff.messages.map((m) => [m.body, m.visibility])).toEqual([
      ['Charged twice', 'public'],
      ['Refund approved', 'internal'],
      ['Refund on its way', 'public'],
    ]);
    expect(staff.messages[1]?.revisions).toEqual([{ body: 'Ask finance', replacedAt: '2026-11-23T10:04:00.000Z' }]);
  });
});

const ALLOWED_ELEMENTS = new Set([
  'html', 'head', 'meta', 'title', 'style', 'body', 'div', 'header', 'main', 'footer', 'section', 'article', 'h1', 'h2', 'h3',
  'p', 'span', 'dl', 'dt', 'dd', 'ol', 'ul', 'li', 'time', 'figure', 'figcaption', 'img', 'a',
]);
const ALLOWED_ATTRIBUTES = new Set(['lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'id', 'datetime', 'src', 'alt', 'download', 'href', 'aria-label']);

