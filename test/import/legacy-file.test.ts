import { describe, expect, it } from 'vitest';
import { parseLocatedJson, JsonSyntaxError } from '../../src/import/located-json.js';
import { readLegacyFile } from '../../src/import/legacy-file.js';
import { DeskDirectory } from '../../src/core/index.js';
import { aDeskConfig } from '../helpers/builders.js';
import { aLegacyTicket, anImportFile } from '../helpers/import-builders.js';

const desks = new DeskDirectory(aDeskConfig().build());

describe('reading JSON with its lines', () => {
  it('GIVEN a JSON text WHEN parsed THEN values and the line of each path are known', () => {
    const { value, lines } = parseLocatedJson('{\n  "a": [\n    1,\n    { "b": "x" }\n  ],\n  "c": null\n}');
    expect(value).toEqual({ a: [1, { b: 'x' }], c: null });
    expect(lines.get('a[1].b')).toBe(4);
    expect(lines.get('c')).toBe(6);
  });

  it('GIVEN broken JSON WHEN parsed THEN the error names the line and column', () => {
    expect(() => parseLocatedJson('{\n  "a": 1,\n  "b": }\n')).toThrow(JsonSyntaxError);
    expect(() => parseLocatedJson('{\n  "a": 1,\n  "b": }\n')).toThrow(/at line 3, column 8/);
    expect(parseLocatedJson('"\\u00e9\\n"').value).toBe('é\n');
  });
});

describe('checking an import file', () => {
  it('GIVEN a good file WHEN read THEN tickets, messages and files come out checked, file names made safe', () => {
    const result = readLegacyFile(JSON.stringify(anImportFile(), null, 2), desks);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [ticket] = result.file.tickets;
    expect(ticket).toMatchObject({ sourceId: 'ZD-1', number: 295900, platform: 'discord', status: 'closed', priority: 'normal', categoryKey: 'billing' });
    expect(ticket!.messages.map((m) => [m.author.role, m.internal, m.body])).toEqual([
      ['agent', false, 'Refund sent.'],
      ['agent', true, 'Customer since 2019'],
      ['requester', false, 'Thanks!'],
    ]);
    expect(ticket!.messages[2]!.attachments).toEqual([{ name: '__.._etc_receipt.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF receipt') }]);
  });

  it('GIVEN mistakes WHEN read THEN each is reported with its line, path and fix, and nothing is returned', () => {
    const text = JSON.stringify(
      anImportFile([aLegacyTicket(), aLegacyTicket({ id: 'ZD-2', number: 295901, status: 'archived', category: 'lottery', createdAt: '01/03/2024', requester: { id: 'alice', name: 'Alice' } })]),
      null,
      2,
    );
    const result = readLegacyFile(text, desks);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = text.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    expect(result.problems.map((p) => [p.line, p.path])).toEqual([
      [lineOf('"id": "alice"'), 'tickets[1].requester.id'],
      [lineOf('"category": "lottery"'), 'tickets[1].category'],
      [lineOf('"status": "archived"'), 'tickets[1].status'],
      [lineOf('"createdAt": "01/03/2024"'), 'tickets[1].createdAt'],
    ]);
    expect(result.problems[2]!.message).toBe('must be one of open, pending, resolved, closed, got "archived"');
    for (const p of result.problems) expect(p.fix.length).toBeGreaterThan(3);
  });

  it('GIVEN two tickets with the same id or number WHEN read THEN the second is named', () => {
    const text = JSON.stringify(anImportFile([aLegacyTicket(), aLegacyTicket({ subject: 'Another one' })]), null, 2);
    const result = readLegacyFile(text, desks);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((p) => [p.path, p.message])).toEqual([
        ['tickets[1].id', '"ZD-1" is also the id of tickets[0]'],
        ['tickets[1].number', '295900 is also the number of tickets[0]'],
      ]);
      const secondId = text.split('\n').findIndex((l, i) => l.includes('"id": "ZD-1"') && i > text.split('\n').findIndex((m) => m.includes('"id": "ZD-1"'))) + 1;
      expect(result.problems[0]!.line).toBe(secondId);
    }
  });

  it('GIVEN a file for an unknown desk or a platform the desk lacks WHEN read THEN it says so', () => {
    const result = readLegacyFile(JSON.stringify({ ...anImportFile([aLegacyTicket({ platform: 'teams' })]), desk: 'nope' }), desks);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toEqual(['desk', 'tickets[0].platform']);
  });
});
