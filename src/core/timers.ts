import type { AutoCloseConfig } from './desk.js';
import type { AutoCloseKind, Ticket } from './ticket.js';

const HOUR = 3_600_000;

export type AutoCloseTimer = Pick<Ticket, 'autoCloseAt' | 'autoCloseKind' | 'autoCloseWarnAt' | 'autoCloseWarnedAt'>;

export const NO_AUTO_CLOSE: AutoCloseTimer = { autoCloseAt: null, autoCloseKind: null, autoCloseWarnAt: null, autoCloseWarnedAt: null };

/**
 * When a ticket closes by itself, counted from its last public message (or from being resolved):
 * a pending ticket after `pendingAfterHours` without an answer from the requester, a resolved ticket after
 * `resolvedAfterHours` without any new message. Open and closed tickets have no timer. Every new timer
 * has its warning still to send, `warnBeforeHours` before it fires.
 */
export function autoCloseTimer(status: Ticket['status'], config: AutoCloseConfig, from: Date): AutoCloseTimer {
  const kind: AutoCloseKind | null = status === 'pending' ? 'pending' : status === 'resolved' ? 'resolved' : null;
  const hours = kind === 'pending' ? config.pendingAfterHours : kind === 'resolved' ? config.resolvedAfterHours : 0;
  if (!kind || hours <= 0) return NO_AUTO_CLOSE;
  const autoCloseAt = new Date(from.getTime() + hours * HOUR);
  const autoCloseWarnAt = config.warnBeforeHours > 0 ? new Date(autoCloseAt.getTime() - config.warnBeforeHours * HOUR) : null;
  return { autoCloseAt, autoCloseKind: kind, autoCloseWarnAt, autoCloseWarnedAt: null };
}
