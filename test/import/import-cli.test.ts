import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeskDirectory, TicketService } from '../../src/core/index.js';
import { openDatabase } from '../../src/persistence/database.js';
import { LocalAttachmentStorage } from '../../src/persistence/local-attachment-storage.js';
import { aDeskConfig, aForm, ids, people } from '../helpers/builders.js';
import { runBot } from '../helpers/run-bot.js';
import { aLegacyTicket, anImportFile } from '../helpers/import-builders.js';

let dir: string;
let env: Record<string, string>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'import-'));
  writeFileSync(join(dir, 'support.json'), JSON.stringify(aDeskConfig().raw()));
  env = { SUPPORT_CONFIG: join(dir, 'support.json'), DATABASE_URL: `sqlite:${join(dir, 'support.sqlite')}`, ATTACHMENTS_DIR: join(dir, 'attachments') };
});

async function importFile(name: string, content: string) {
  writeFileSync(join(dir, name), content);
  const run = runBot(env, { cwd: dir, script: 'src/import/cli.ts', args: [join(dir, name)] });
  return { code: await run.exited, ...run.output() };
}

async function withDatabase<T>(work: (service: TicketService, database: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const database = await openDatabase(env.DATABASE_URL!);
  try {
    return await work(new TicketService(database.store, new DeskDirectory(aDeskConfig().build())), database);
  } finally {
    await database.close();
  }
}

describe('npm run import', () => {
  it('GIVEN tickets from an earlier help desk WHEN imported THEN they keep their numbers, messages and files, and new tickets number after them', async () => {
    const file = anImportFile([aLegacyTicket(), aLegacyTicket({ id: 'ZD-2', number: 295901, subject: 'Second old ticket', status: 'resolved', closedAt: undefined, closeReason: undefined })]);
    const first = await importFile('good.json', JSON.stringify(file, null, 2));
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('Imported 2 tickets from zendesk (CS-295900 to CS-295901).\n');
    expect(first.code).toBe(0);
    await withDatabase(async (service) => {
      const old = await service.ticketByReference('discord', ids.guild, 'CS-295900');
      expect(old).toMatchObject({ status: 'closed', subject: 'Refund for order 1042', requesterId: people.alice.id, closeReason: 'Refunded', sourceKey: 'import:zendesk:ZD-1' });
      const record = await service.record(old.id, people.mia);
      expect(record.messages.map((m) => [m.authorRole, m.visibility, m.body])).toEqual([
        ['requester', 'public', 'I was charged twice.'],
        ['agent', 'public', 'Refund sent.'],
        ['agent', 'internal', 'Customer since 2019'],
        ['requester', 'public', 'Thanks!'],
      ]);
      const [receipt] = record.messages[3]!.attachments;
      expect(receipt!.name).toBe('__.._etc_receipt.pdf');
      expect(Buffer.from(await new LocalAttachmentStorage(env.ATTACHMENTS_DIR!).get(receipt!.storageKey)).toString()).toBe('%PDF receipt');
      expect(record.events.map((e) => e.type)).toEqual(['opened', 'closed', 'imported']);
      const fresh = await service.openTicket({ platform: 'discord', workspaceId: ids.guild, requester: people.bob, form: aForm().build() });
      expect(service.label(fresh.ticket)).toBe('CS-295902');
    });
    const again = await importFile('good.json', JSON.stringify(file, null, 2));
    expect(again.stdout).toBe('Imported 0 tickets from zendesk; 2 already imported before were left as they are.\n');
    expect(again.code).toBe(0);
  });

  it('GIVEN a broken file WHEN imported THEN it is refused with the line and reason, and nothing is written', async () => {
    const count = () => withDatabase(async (_s, database) => Number((await database.dataSource.query('SELECT COUNT(*) AS n FROM tickets'))[0].n));
    const before = await count();
    const syntax = await importFile('syntax.json', '{\n  "version": 1,\n  "tickets": [\n    { "id": "x", }\n  ]\n}\n');
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toContain('syntax.json was not imported (nothing was written): 1 problem:');
    expect(syntax.stderr).toContain('line 4:');
    const wrong = await importFile('wrong.json', JSON.stringify(anImportFile([aLegacyTicket({ id: 'ZD-9', number: 700, status: 'lost' })]), null, 2));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/line \d+: tickets\[0\]\.status: must be one of open, pending, resolved, closed, got "lost"/);
    // The second ticket's number is taken: the first one of the file is not imported either.
    const clash = await importFile('clash.json', JSON.stringify(anImportFile([aLegacyTicket({ id: 'NEW-1', number: 800 }), aLegacyTicket({ id: 'NEW-2', number: 295900 })]), null, 2));
    expect(clash.code).toBe(1);
    expect(clash.stderr).toBe(`${join(dir, 'clash.json')} was not imported (nothing was written): The number CS-295900 is already taken by a ticket of this desk.\n`);
    expect(await count()).toBe(before);
  });
});
