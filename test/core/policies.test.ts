import { describe, expect, it } from 'vitest';
import { checkTicketForm, cleanLine, cleanText, contentTypeAllowed, subjectKey } from '../../src/core/index.js';
import { aDeskConfig, aForm } from '../helpers/builders.js';

const desk = aDeskConfig()
  .withLimits({ maxAttachments: 2, maxAttachmentBytes: 1000, allowedContentTypes: ['image/*', 'application/pdf'] })
  .build().desks[0]!;

describe('cleaning user text', () => {
  it('removes control characters but keeps newlines and tabs', () => {
    expect(cleanText('a\u0000b\u0007c\nd\te\u009F')).toBe('abc\nd\te');
  });
  it('removes zero-width characters and bidirectional overrides', () => {
    expect(cleanText('pay\u200Bpal \u202Egnp.exe\u202C \u2066x\u2069\uFEFF')).toBe('paypal gnp.exe x');
  });
  it('keeps emoji joined by zero-width joiners', () => {
    expect(cleanText('family: 👨‍👩‍👧')).toBe('family: 👨‍👩‍👧');
  });
  it('normalizes line endings and trims', () => {
    expect(cleanText('  \r\nhello\r\nworld  \n\n\n\n\nend \n')).toBe('hello\nworld\n\n\nend');
  });
  it('makes a subject one line', () => {
    expect(cleanLine('  refund\n\n please\t now ')).toBe('refund please now');
  });
  it('compares subjects regardless of case, spacing and trailing punctuation', () => {
    expect(subjectKey('Refund  please!!')).toBe(subjectKey('refund please'));
    expect(subjectKey('Refund please')).not.toBe(subjectKey('Refund order'));
  });
});

describe('content types', () => {
  it('matches exact types and wildcards, ignoring parameters and case', () => {
    expect(contentTypeAllowed(['image/*'], 'image/png')).toBe(true);
    expect(contentTypeAllowed(['image/*'], 'IMAGE/JPEG; q=1')).toBe(true);
    expect(contentTypeAllowed(['application/pdf'], 'application/pdf')).toBe(true);
    expect(contentTypeAllowed(['image/*'], 'application/x-msdownload')).toBe(false);
    expect(contentTypeAllowed(['image/*'], 'imagex/png')).toBe(false);
    expect(contentTypeAllowed([], 'anything/at-all')).toBe(true);
  });
});

describe('checking a ticket form', () => {
  it('accepts a complete form and returns it cleaned', () => {
    const result = checkTicketForm(desk, aForm().subject('  Refund\nplease ').answer('order', ' A-1 ').build());
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.form.subject).toBe('Refund please');
      expect(result.form.answers).toEqual([{ key: 'order', label: 'Order number', value: 'A-1' }]);
      expect(result.form.category.key).toBe('billing');
    }
  });

  it('refuses empty and whitespace-only fields, naming each', () => {
    const result = checkTicketForm(desk, aForm().subject('   ').description('\n\t \u200B').build());
    expect(result).toEqual({
      ok: false,
      problems: [
        { field: 'subject', problem: 'required' },
        { field: 'description', problem: 'required' },
      ],
    });
  });

  it('refuses fields that are too short or too long', () => {
    const result = checkTicketForm(desk, aForm().subject('ab').description('x'.repeat(4001)).build());
    expect(result).toEqual({
      ok: false,
      problems: [
        { field: 'subject', problem: 'too_short', min: 3 },
        { field: 'description', problem: 'too_long', max: 4000 },
      ],
    });
  });

  it('counts characters, not UTF-16 units', () => {
    const result = checkTicketForm(desk, aForm().subject('😀'.repeat(80)).build());
    expect(result.ok).toBe(true);
  });

  it('refuses an unknown or missing category', () => {
    expect(checkTicketForm(desk, aForm().category('nope').build())).toMatchObject({
      ok: false,
      problems: [{ field: 'category', problem: 'unknown_category', categoryKey: 'nope' }],
    });
    expect(checkTicketForm(desk, aForm().category(null).build())).toMatchObject({
      ok: false,
      problems: [{ field: 'category', problem: 'required' }],
    });
  });

  it("requires the category's required questions", () => {
    const result = checkTicketForm(desk, aForm().category('technical').answer('steps', '  ').build());
    expect(result).toEqual({ ok: false, problems: [{ field: 'answer:steps', problem: 'required' }] });
  });

  it('refuses too many, too large, empty and disallowed files, all at once', () => {
    const form = aForm()
      .file('a.png', 'image/png', 10)
      .file('big.pdf', 'application/pdf', 1001)
      .file('virus.exe', 'application/x-msdownload', 10)
      .file('empty.png', 'image/png', 0)
      .build();
    const result = checkTicketForm(desk, form);
    expect(result).toEqual({
      ok: false,
      problems: [
        { field: 'attachments', problem: 'too_many', max: 2 },
        { field: 'attachments', problem: 'too_large', fileName: 'big.pdf', maxBytes: 1000 },
        {
          field: 'attachments',
          problem: 'type_not_allowed',
          fileName: 'virus.exe',
          contentType: 'application/x-msdownload',
          allowed: ['image/*', 'application/pdf'],
        },
        { field: 'attachments', problem: 'empty_file', fileName: 'empty.png' },
      ],
    });
  });
});
