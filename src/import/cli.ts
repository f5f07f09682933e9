import { readFileSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { formatConfigProblems, loadSupportConfig } from '../../config/support-config.js';
import { DeskDirectory, isRefusal, TicketService, type AttachmentStorage, type ImportedTicket, type ImportResult } from '../core/index.js';
import { catalog } from '../i18n/index.js';
import { openDatabase } from '../persistence/database.js';
import { LocalAttachmentStorage } from '../persistence/local-attachment-storage.js';
import { formatSettingProblems, readSettings } from '../settings.js';
import { readLegacyFile, type ImportProblem, type LegacyFile } from './legacy-file.js';

/** Stores the files of a checked import file and shapes its tickets for the core. */
export async function toImportedTickets(file: LegacyFile, storage: AttachmentStorage): Promise<ImportedTicket[]> {
  const tickets: ImportedTicket[] = [];
  for (const t of file.tickets) {
    const messages = [];
    for (const m of t.messages) {
      const files = [];
      for (const a of m.attachments) files.push({ ...(await storage.put(a.bytes)), name: a.name, contentType: a.contentType });
      messages.push({ authorId: m.author.id, authorName: m.author.name, authorRole: m.author.role, body: m.body, createdAt: m.createdAt, internal: m.internal, files });
    }
    tickets.push({
      sourceId: t.sourceId,
      number: t.number,
      platform: t.platform,
      requesterId: t.requester.id,
      requesterName: t.requester.name,
      categoryKey: t.categoryKey,
      subject: t.subject,
      description: t.description,
      status: t.status,
      priority: t.priority,
      createdAt: t.createdAt,
      closedAt: t.closedAt,
      closeReason: t.closeReason,
      assigneeId: t.assignee?.id ?? null,
      assigneeName: t.assignee?.name ?? null,
      messages,
    });
  }
  return tickets;
}

export function formatImportProblems(file: string, problems: readonly ImportProblem[]): string {
  const lines = [`${file} was not imported (nothing was written): ${problems.length} problem${problems.length === 1 ? '' : 's'}:`];
  for (const p of problems.slice(0, 200)) lines.push(`  - line ${p.line}: ${p.path || '(file)'}: ${p.message}`, `      fix: ${p.fix}`);
  if (problems.length > 200) lines.push(`  … and ${problems.length - 200} more`);
  return lines.join('\n');
}

/** `npm run import -- file.json`: imports tickets from an earlier help desk, whole or not at all. */
async function main(args: string[]): Promise<number> {
  const path = args.find((a) => !a.startsWith('-'));
  if (!path) {
    process.stderr.write('Usage: npm run import -- tickets.json   (the format is described in README.md, "Importing tickets")\n');
    return 1;
  }
  loadDotenv({ quiet: true });
  const read = readSettings(process.env);
  if (!read.ok) {
    process.stderr.write(`${formatSettingProblems(read.problems)}\n`);
    return 1;
  }
  const loaded = loadSupportConfig(read.settings.supportConfigPath);
  if (!loaded.ok) {
    process.stderr.write(`${formatConfigProblems(read.settings.supportConfigPath, loaded.problems)}\n`);
    return 1;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    process.stderr.write(`${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 1;
  }
  const desks = new DeskDirectory(loaded.config);
  const checked = readLegacyFile(text, desks);
  if (!checked.ok) {
    process.stderr.write(`${formatImportProblems(path, checked.problems)}\n`);
    return 1;
  }
  const database = await openDatabase(read.settings.databaseUrl);
  try {
    const storage = new LocalAttachmentStorage(read.settings.attachmentsDir);
    const service = new TicketService(database.store, desks);
    let result: ImportResult;
    try {
      result = await service.importLegacy(checked.file.deskId, checked.file.source, await toImportedTickets(checked.file, storage));
    } catch (error) {
      if (!isRefusal(error)) throw error;
      process.stderr.write(`${path} was not imported (nothing was written): ${catalog('en').refusal(error.refusal)}\n`);
      return 1;
    }
    process.stdout.write(
      `Imported ${result.imported.length} ticket${result.imported.length === 1 ? '' : 's'} from ${checked.file.source}` +
        `${result.imported.length ? ` (${result.imported[0]} to ${result.imported.at(-1)})` : ''}` +
        `${result.skipped.length ? `; ${result.skipped.length} already imported before were left as they are` : ''}.\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`The import failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
