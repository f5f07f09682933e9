import { findCategory, platformConfig, type CategoryConfig, type DeskConfig } from './desk.js';
import type { TicketAction } from './refusals.js';
import type { Actor, AuthorRole, Platform, Ticket } from './ticket.js';

function intersects(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return !!a && a.some((x) => b.includes(x));
}

export function isModerator(desk: DeskConfig, platform: Platform, actor: Actor): boolean {
  const access = platformConfig(desk, platform);
  if (!access) return false;
  return access.moderatorUserIds.includes(actor.id) || intersects(actor.roleIds, access.moderatorRoleIds);
}

export function isAgentOf(category: CategoryConfig, platform: Platform, actor: Actor): boolean {
  const space = category[platform];
  if (!space) return false;
  return space.agentUserIds.includes(actor.id) || intersects(actor.roleIds, space.agentRoleIds);
}

/** Staff of a category: its agents and the desk's moderators. */
export function isStaffOf(desk: DeskConfig, category: CategoryConfig, platform: Platform, actor: Actor): boolean {
  return isModerator(desk, platform, actor) || isAgentOf(category, platform, actor);
}

/** The categories an actor works on: all of them for a moderator. */
export function staffCategories(desk: DeskConfig, platform: Platform, actor: Actor): CategoryConfig[] {
  if (isModerator(desk, platform, actor)) return desk.categories;
  return desk.categories.filter((c) => isAgentOf(c, platform, actor));
}

/** How an actor stands towards one ticket. */
export interface Standing {
  moderator: boolean;
  agent: boolean;
  requester: boolean;
  participant: boolean;
}

export function standingOf(desk: DeskConfig, ticket: Ticket, actor: Actor, participantIds: readonly string[]): Standing {
  const category = findCategory(desk, ticket.categoryKey);
  return {
    moderator: isModerator(desk, ticket.platform, actor),
    agent: !!category && isAgentOf(category, ticket.platform, actor),
    requester: actor.id === ticket.requesterId,
    participant: participantIds.includes(actor.id),
  };
}

/**
 * Who may do what:
 * - the requester: write, close their own ticket, reopen it (within the desk's window, checked elsewhere), view it;
 * - participants added by staff: write and view;
 * - agents of the ticket's category: everything but moving it to another category;
 * - moderators: everything, on every category.
 */
const RULES: Record<TicketAction, (s: Standing) => boolean> = {
  open: () => true,
  reply: (s) => s.requester || s.participant || s.agent || s.moderator,
  note: (s) => s.agent || s.moderator,
  claim: (s) => s.agent || s.moderator,
  assign: (s) => s.agent || s.moderator,
  set_priority: (s) => s.agent || s.moderator,
  move: (s) => s.moderator,
  add_participant: (s) => s.agent || s.moderator,
  remove_participant: (s) => s.agent || s.moderator,
  resolve: (s) => s.agent || s.moderator,
  close: (s) => s.requester || s.agent || s.moderator,
  reopen: (s) => s.requester || s.agent || s.moderator,
  view: (s) => s.requester || s.participant || s.agent || s.moderator,
  list: () => true,
  rate: (s) => s.requester,
  stats: (s) => s.agent || s.moderator,
};

export function may(action: TicketAction, standing: Standing): boolean {
  return RULES[action](standing);
}

export function isStaff(standing: Standing): boolean {
  return standing.agent || standing.moderator;
}

/**
 * The role a message's author plays. The requester writing in their own ticket is the requester even when
 * they are staff elsewhere; someone with no standing (a moderator of another category reading along, say)
 * is recorded as a participant so nothing they write is lost.
 */
export function authorRoleOf(standing: Standing): AuthorRole {
  if (standing.requester) return 'requester';
  if (standing.agent || standing.moderator) return 'agent';
  return 'participant';
}
