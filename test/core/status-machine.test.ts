import { describe, expect, it } from 'vitest';
import { transition, type StatusTrigger, type TicketStatus } from '../../src/core/index.js';

describe('status machine', () => {
  const cases: Array<[TicketStatus, StatusTrigger, TicketStatus | 'refused']> = [
    ['open', 'agent_reply', 'pending'],
    ['pending', 'agent_reply', 'pending'],
    ['resolved', 'agent_reply', 'resolved'],
    ['closed', 'agent_reply', 'closed'],
    ['open', 'requester_message', 'open'],
    ['pending', 'requester_message', 'open'],
    ['resolved', 'requester_message', 'open'],
    ['closed', 'requester_message', 'closed'],
    ['open', 'internal_note', 'open'],
    ['pending', 'internal_note', 'pending'],
    ['resolved', 'internal_note', 'resolved'],
    ['closed', 'internal_note', 'closed'],
    ['open', 'resolve', 'resolved'],
    ['pending', 'resolve', 'resolved'],
    ['resolved', 'resolve', 'refused'],
    ['closed', 'resolve', 'refused'],
    ['open', 'close', 'closed'],
    ['pending', 'close', 'closed'],
    ['resolved', 'close', 'closed'],
    ['closed', 'close', 'refused'],
    ['open', 'reopen', 'refused'],
    ['pending', 'reopen', 'refused'],
    ['resolved', 'reopen', 'open'],
    ['closed', 'reopen', 'open'],
  ];

  it.each(cases)('GIVEN a %s ticket WHEN %s THEN it is %s', (from, trigger, expected) => {
    const result = transition(from, trigger);
    if (expected === 'refused') {
      expect(result.allowed).toBe(false);
    } else {
      expect(result).toMatchObject({ allowed: true, from, to: expected, changed: from !== expected });
    }
  });

  it('covers every status and trigger', () => {
    const statuses = new Set(cases.map(([s]) => s));
    const triggers = new Set(cases.map(([, t]) => t));
    expect(cases).toHaveLength(statuses.size * triggers.size);
  });

  it('names the refused action', () => {
    expect(transition('closed', 'resolve')).toEqual({ allowed: false, from: 'closed', action: 'resolve' });
  });
});
