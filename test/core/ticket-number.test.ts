import { describe, expect, it } from 'vitest';
import { formatTicketNumber, parseTicketNumber } from '../../src/core/index.js';

describe('ticket numbers', () => {
  it('pads to four digits behind the desk prefix', () => {
    expect(formatTicketNumber('CS-', 42)).toBe('CS-0042');
    expect(formatTicketNumber('#', 7)).toBe('#0007');
    expect(formatTicketNumber('CS-', 295900)).toBe('CS-295900');
  });

  it.each([
    ['42', 42],
    ['#42', 42],
    ['0042', 42],
    ['CS-0042', 42],
    ['cs-42', 42],
    ['  #CS-42 ', 42],
  ])('reads %j as ticket %i', (text, expected) => {
    expect(parseTicketNumber('CS-', text)).toBe(expected);
  });

  it.each(['', 'abc', 'XX-42', '0', '-3', '4 2', '1e3', '12345678901'])('reads %j as no ticket', (text) => {
    expect(parseTicketNumber('CS-', text)).toBeNull();
  });
});
