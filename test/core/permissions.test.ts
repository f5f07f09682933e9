import { describe, expect, it } from 'vitest';
import { may, authorRoleOf, type Standing, type TicketAction } from '../../src/core/index.js';

const nobody: Standing = { moderator: false, agent: false, requester: false, participant: false };
const requester = { ...nobody, requester: true };
const participant = { ...nobody, participant: true };
const agent = { ...nobody, agent: true };
const moderator = { ...nobody, moderator: true };

describe('who may do what', () => {
  const table: Array<[TicketAction, Standing, boolean]> = [
    ['reply', requester, true],
    ['reply', participant, true],
    ['reply', nobody, false],
    ['note', requester, false],
    ['note', agent, true],
    ['claim', requester, false],
    ['claim', agent, true],
    ['move', agent, false],
    ['move', moderator, true],
    ['add_participant', agent, true],
    ['add_participant', requester, false],
    ['resolve', requester, false],
    ['resolve', agent, true],
    ['close', requester, true],
    ['close', participant, false],
    ['close', nobody, false],
    ['close', agent, true],
    ['reopen', requester, true],
    ['reopen', participant, false],
    ['reopen', moderator, true],
    ['view', participant, true],
    ['view', nobody, false],
  ];
  it.each(table)('%s by %o: %s', (action, standing, allowed) => {
    expect(may(action, standing)).toBe(allowed);
  });

  it('treats the requester as requester in their own ticket even when they are staff', () => {
    expect(authorRoleOf({ ...agent, requester: true })).toBe('requester');
    expect(authorRoleOf(agent)).toBe('agent');
    expect(authorRoleOf(nobody)).toBe('participant');
  });
});
