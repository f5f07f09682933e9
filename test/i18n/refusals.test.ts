import { describe, expect, it } from 'vitest';
import { catalog } from '../../src/i18n/index.js';

describe('the open-ticket limit, in words', () => {
  it('GIVEN one open ticket, or several WHEN the limit refuses another THEN the sentence agrees with the count, in English and French', () => {
    const one = { code: 'too_many_open_tickets' as const, max: 1, open: ['CS-0001'] };
    const two = { code: 'too_many_open_tickets' as const, max: 2, open: ['CS-0001', 'CS-0002'] };
    expect(catalog('en').refusal(one)).toBe('You already have an open ticket (CS-0001); the limit is 1. Please continue in it, or close it first.');
    expect(catalog('en').refusal(two)).toBe('You already have 2 open tickets (CS-0001, CS-0002); the limit is 2. Please continue in one of them, or close one first.');
    expect(catalog('fr').refusal(one)).toBe("Vous avez déjà un ticket ouvert (CS-0001) ; la limite est de 1. Continuez dans celui-ci, ou fermez-le d'abord.");
    expect(catalog('fr').refusal(two)).toBe("Vous avez déjà 2 tickets ouverts (CS-0001, CS-0002) ; la limite est de 2. Continuez dans l'un d'eux, ou fermez-en un d'abord.");
  });
});
