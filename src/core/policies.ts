import { findCategory, type CategoryConfig, type DeskConfig, type DeskLimits } from './desk.js';
import type { FieldProblem } from './refusals.js';
import type { TicketAnswer } from './ticket.js';

/** What the adapter knows about a file before downloading it. */
export interface AttachmentMeta {
  name: string;
  contentType: string;
  size: number;
}

/** A ticket form as the requester submitted it, before any cleaning. */
export interface TicketForm {
  categoryKey: string | null;
  subject: string;
  description: string;
  answers: Record<string, string | undefined>;
  attachments: readonly AttachmentMeta[];
}

/** The same form, cleaned and checked. */
export interface CleanTicketForm {
  category: CategoryConfig;
  subject: string;
  description: string;
  answers: TicketAnswer[];
  attachments: readonly AttachmentMeta[];
}

// Invisible characters that hide or reorder text: zero-width spaces and joiners that are not part of emoji,
// word joiner, BOM, and the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069).
const INVISIBLE = /[\u200B\u200C\u200E\u200F\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g;
// C0 and C1 control characters other than tab and newline.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Cleans free text from a user: Unicode NFC, CRLF to LF, control and invisible characters removed,
 * trailing spaces and surrounding blank lines trimmed. Emoji joiners (U+200D) are kept.
 */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{4,}/g, '\n\n\n')
    .trim();
}

/** Cleans a single-line field: like {@link cleanText}, with every run of whitespace made one space. */
export function cleanLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ');
}

/** The form a subject takes for duplicate detection: case, spacing and trailing punctuation don't count. */
export function subjectKey(subject: string): string {
  return cleanLine(subject)
    .toLocaleLowerCase('en')
    .replace(/[\s.!?…]+$/u, '');
}

/** Lengths count user-perceived characters' code points, as platforms do, not UTF-16 units. */
export function textLength(text: string): number {
  return [...text].length;
}

export function contentTypeAllowed(allowed: readonly string[], contentType: string): boolean {
  if (allowed.length === 0) return true;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.endsWith('/*') ? type.startsWith(p.slice(0, -1)) : type === p;
  });
}

/** The longest file name kept (the attachments table's name column holds 255 characters). */
export const MAX_FILE_NAME = 255;

/**
 * A file name as the bot keeps and shows it: the last part of a path only (no `../`, no folders), without control
 * or invisible characters (a right-to-left override would show `invoice\u202egnp.exe` as `invoiceexe.png`),
 * trailing dots and spaces trimmed, cut to {@link MAX_FILE_NAME} characters keeping its extension. A name with
 * nothing left becomes `file`. The bytes are stored under their SHA-256 whatever the name.
 */
export function cleanFileName(name: string): string {
  const base = name.normalize('NFC').replace(CONTROL, '').replace(INVISIBLE, '').replace(/[\t\n]/g, ' ').split(/[\\/]/).filter(Boolean).pop() ?? '';
  const trimmed = base.trim().replace(/[. ]+$/, '');
  if (!trimmed || /^\.+$/.test(trimmed)) return 'file';
  const chars = [...trimmed];
  if (chars.length <= MAX_FILE_NAME) return trimmed;
  const extension = /\.[^.]{1,16}$/.exec(trimmed)?.[0] ?? '';
  return chars.slice(0, MAX_FILE_NAME - [...extension].length).join('') + extension;
}

/** Content types recognised from a file's first bytes. Executables are named as such whatever they claim. */
const SIGNATURES: Array<{ type: string; matches: (b: Uint8Array) => boolean }> = [
  { type: 'image/png', matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/jpeg', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { type: 'image/gif', matches: (b) => startsWith(b, [0x47, 0x49, 0x46, 0x38]) },
  { type: 'image/webp', matches: (b) => startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b.subarray(8), [0x57, 0x45, 0x42, 0x50]) },
  { type: 'application/pdf', matches: (b) => startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d]) },
  { type: 'application/zip', matches: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) },
  { type: 'application/x-msdownload', matches: (b) => startsWith(b, [0x4d, 0x5a]) },
  { type: 'application/x-elf', matches: (b) => startsWith(b, [0x7f, 0x45, 0x4c, 0x46]) },
  { type: 'application/x-mach-binary', matches: (b) => [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(readUint32(b)) },
];
const EXECUTABLES = new Set(['application/x-msdownload', 'application/x-elf', 'application/x-mach-binary']);

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

function readUint32(bytes: Uint8Array): number {
  return bytes.length < 4 ? 0 : ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/** The content type a file's first bytes show, when they match a known signature. */
export function sniffContentType(bytes: Uint8Array): string | null {
  return SIGNATURES.find((s) => s.matches(bytes))?.type ?? null;
}

/**
 * Checks a form file's bytes against what it claims: refused when its content is of a type the desk does not
 * allow (whatever its name and declared type), or is a program disguised as something else.
 */
export function checkFileContent(limits: DeskLimits, file: { name: string; contentType: string }, bytes: Uint8Array): FieldProblem | null {
  const actual = sniffContentType(bytes);
  if (!actual) return null;
  const declared = (file.contentType || 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
  if (actual === declared) return null;
  const disguised = EXECUTABLES.has(actual) && !EXECUTABLES.has(declared);
  if (disguised || !contentTypeAllowed(limits.allowedContentTypes, actual)) {
    return { field: 'attachments', problem: 'content_mismatch', fileName: file.name, contentType: declared, actualType: actual };
  }
  return null;
}

export function checkAttachments(limits: DeskLimits, files: readonly AttachmentMeta[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (files.length > limits.maxAttachments) {
    problems.push({ field: 'attachments', problem: 'too_many', max: limits.maxAttachments });
  }
  for (const file of files) {
    if (file.size === 0) {
      problems.push({ field: 'attachments', problem: 'empty_file', fileName: file.name });
    } else if (file.size > limits.maxAttachmentBytes) {
      problems.push({ field: 'attachments', problem: 'too_large', fileName: file.name, maxBytes: limits.maxAttachmentBytes });
    }
    if (!contentTypeAllowed(limits.allowedContentTypes, file.contentType || 'application/octet-stream')) {
      problems.push({
        field: 'attachments',
        problem: 'type_not_allowed',
        fileName: file.name,
        contentType: file.contentType || 'application/octet-stream',
        allowed: limits.allowedContentTypes,
      });
    }
  }
  return problems;
}

function checkLength(
  problems: FieldProblem[],
  field: FieldProblem['field'],
  value: string,
  required: boolean,
  min: number,
  max: number,
): void {
  const length = textLength(value);
  if (length === 0) {
    if (required) problems.push({ field, problem: 'required' });
  } else if (length < min) {
    problems.push({ field, problem: 'too_short', min });
  } else if (length > max) {
    problems.push({ field, problem: 'too_long', max });
  }
}

/**
 * Checks a ticket form against the desk's rules: the category exists, required fields are filled,
 * lengths are within limits, attachments are within count, size and type limits.
 * Every problem is reported, so the requester can fix them all at once.
 */
export function checkTicketForm(
  desk: DeskConfig,
  form: TicketForm,
): { ok: true; form: CleanTicketForm } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const limits = desk.limits;
  const category = form.categoryKey ? findCategory(desk, form.categoryKey) : null;
  if (!form.categoryKey) problems.push({ field: 'category', problem: 'required' });
  else if (!category) problems.push({ field: 'category', problem: 'unknown_category', categoryKey: form.categoryKey });

  const subject = cleanLine(form.subject ?? '');
  const description = cleanText(form.description ?? '');
  checkLength(problems, 'subject', subject, true, limits.subjectMinLength, limits.subjectMaxLength);
  checkLength(problems, 'description', description, true, limits.descriptionMinLength, limits.descriptionMaxLength);

  const answers: TicketAnswer[] = [];
  for (const question of category?.questions ?? []) {
    const value = cleanText(form.answers[question.key] ?? '');
    const max = Math.min(question.maxLength ?? limits.answerMaxLength, limits.answerMaxLength);
    checkLength(problems, `answer:${question.key}`, value, question.required, 0, max);
    if (value) answers.push({ key: question.key, label: question.label, value });
  }
  problems.push(...checkAttachments(limits, form.attachments));

  if (problems.length > 0 || !category) return { ok: false, problems };
  return { ok: true, form: { category, subject, description, answers, attachments: form.attachments } };
}

/** Cleans a close or reopen reason; null when there is none. */
export function cleanReason(reason: string | null | undefined): string | null {
  const cleaned = cleanText(reason ?? '');
  return cleaned.length > 0 ? cleaned : null;
}
