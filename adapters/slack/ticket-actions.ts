import { isStaff, may, refuse, type Actor, type DeskStats, type Ticket, type TicketFilter, type TicketStatus } from '../../src/core/index.js';
import type { Catalog } from '../../src/i18n/index.js';
import { ticketTranscript } from '../../src/transcripts/index.js';
import { CLOSE_CALLBACK, REOPEN_CALLBACK, reasonView, STATUS_REACTION } from './blocks.js';
import { escapeMrkdwn } from './mrkdwn.js';
import type { SlackDesk } from './slack-desk.js';
import type { TicketUpdates } from './ticket-updates.js';

const STATUS_WORDS: Record<string, TicketFilter['status']> = {
  open: 'open',
  ouverts: 'open',
  pending: 'pending',
  attente: 'pending',
  resolved: 'resolved',
  resolus: 'resolved',
  résolus: 'resolved',
  closed: 'closed',
  fermes: 'closed',
  fermés: 'closed',
  all: 'all',
  tous: 'all',
  active: 'active',
};

const VERBS: Record<string, 'close' | 'reopen' | 'claim' | 'list' | 'help' | 'new' | 'stats' | 'transcript' | 'export'> = {
  transcript: 'transcript',
  transcription: 'transcript',
  export: 'export',
  exporter: 'export',
  stats: 'stats',
  statistiques: 'stats',
  close: 'close',
  fermer: 'close',
  reopen: 'reopen',
  rouvrir: 'reopen',
  claim: 'claim',
  prendre: 'claim',
  list: 'list',
  liste: 'list',
  help: 'help',
  aide: 'help',
  new: 'new',
  nouveau: 'new',
  open: 'new',
  ouvrir: 'new',
};

export type TicketCommand =
  | { verb: 'new'; category: string | null }
  | { verb: 'help' }
  | { verb: 'list'; status: TicketFilter['status'] }
  | { verb: 'stats'; days: number }
  | { verb: 'transcript'; reference: string | null; format: 'html' | 'json' }
  | { verb: 'close' | 'reopen' | 'claim'; reference: string | null; reason: string | null }
  | { verb: 'unknown'; word: string };

/** Reads what follows `/ticket`: nothing (the form), a category, or `close 42 reason`, `reopen 42 reason`, `claim 42`, `list [status]`, `help`. */
export function parseTicketCommand(text: string, categoryKeys: readonly string[]): TicketCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.toLowerCase();
  if (!first) return { verb: 'new', category: null };
  if (categoryKeys.includes(first)) return { verb: 'new', category: first };
  const verb = VERBS[first];
  if (!verb) return { verb: 'unknown', word: words[0]!.slice(0, 40) };
  if (verb === 'new') return { verb, category: words[1]?.toLowerCase() ?? null };
  if (verb === 'help') return { verb };
  if (verb === 'list') return { verb, status: STATUS_WORDS[words[1]?.toLowerCase() ?? 'active'] ?? 'active' };
  if (verb === 'transcript' || verb === 'export') {
    return { verb: 'transcript', reference: words[1] ?? null, format: verb === 'export' || words[2]?.toLowerCase() === 'json' ? 'json' : 'html' };
  }
  if (verb === 'stats') {
    const days = Number(words[1] ?? 30);
    return { verb, days: Number.isInteger(days) && days >= 1 && days <= 366 ? days : 30 };
  }
  return { verb, reference: words[1] ?? null, reason: words.slice(2).join(' ') || null };
}

/**
 * Staff actions on Slack: the card's buttons (Claim, Resolve, Close with a reason, Reopen) and the
 * `/ticket close|reopen|claim|list` commands typed anywhere (slash commands cannot be typed in threads).
 */
export class TicketActions {
  constructor(
    private readonly sd: SlackDesk,
    private readonly updates: TicketUpdates,
  ) {}

  private inOrder<T>(ticket: Ticket, work: () => Promise<T>): Promise<T> {
    return this.sd.queue.run(`ticket:${ticket.id}`, work);
  }

  async claim(ticket: Ticket, actor: Actor): Promise<void> {
    await this.inOrder(ticket, async () => this.updates.claimed(await this.sd.service.claim(ticket.id, actor), actor));
  }

  async resolve(ticket: Ticket, actor: Actor): Promise<void> {
    await this.inOrder(ticket, async () => this.updates.resolved(await this.sd.service.resolve(ticket.id, actor), actor));
  }

  async close(ticket: Ticket, actor: Actor, reason: string | null): Promise<void> {
    const change = await this.inOrder(ticket, () => this.sd.service.close(ticket.id, actor, reason));
    await this.inOrder(ticket, () => this.updates.closed(change, actor));
  }

  async reopen(ticket: Ticket, actor: Actor, reason: string | null): Promise<void> {
    const change = await this.inOrder(ticket, () => this.sd.service.reopen(ticket.id, actor, reason));
    await this.inOrder(ticket, () => this.updates.reopened(change, actor));
  }

  /** The Close and Reopen buttons ask for a reason in a modal (required from a requester reopening). */
  async askReason(kind: 'close' | 'reopen', ticket: Ticket, actor: Actor, triggerId: string, t: Catalog): Promise<void> {
    const standing = await this.sd.service.standingOn(ticket.id, actor);
    if (!may(kind, standing)) refuse({ code: 'not_allowed', action: kind });
    const label = this.sd.label(ticket);
    const view =
      kind === 'close'
        ? reasonView(CLOSE_CALLBACK, t.close.modalTitle(label), t.close.reason, t.close.reasonPlaceholder, false, ticket.id, t)
        : reasonView(REOPEN_CALLBACK, t.reopen.modalTitle(label), t.reopen.reason, t.reopen.reasonPlaceholder, !isStaff(standing), ticket.id, t);
    await this.sd.client.views.open({ trigger_id: triggerId, view: view as never });
  }

  /**
   * A transcript (HTML) or export (JSON) for someone who may see the ticket: into the thread the button was
   * pressed in, else into their DM with the bot. Internal notes only for staff.
   */
  async transcript(ticket: Ticket, actor: Actor, format: 'html' | 'json', t: Catalog, where: { channel: string | null; threadTs: string | null } | null): Promise<void> {
    const file = await ticketTranscript(this.sd.service, this.sd.context.storage, ticket.id, { format, language: t.language, actor, now: this.sd.context.clock.now() });
    let channel = where?.channel ?? null;
    let threadTs = where?.threadTs ?? null;
    if (!channel) {
      channel = await this.sd.dmChannel(actor.id);
      threadTs = null;
    }
    await this.sd.uploadFile(channel, threadTs, file.name, file.bytes, t.transcript.ready(this.sd.label(ticket)));
  }

  /** `/ticket stats [days]`: figures for staff over the last days. */
  async stats(teamId: string, actor: Actor, days: number, t: Catalog): Promise<string> {
    const desk = this.sd.deskForTeam(teamId);
    const to = this.sd.context.clock.now();
    const stats = await this.sd.service.stats('slack', teamId, actor, { from: new Date(to.getTime() - days * 86_400_000), to });
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const durations = (summary: DeskStats['firstResponseHours']) => (summary ? t.stats.durations(summary.median, summary.p90, summary.count) : t.stats.none);
    const category = (key: string) => {
      const found = desk.categories.find((c) => c.key === key);
      return found ? `${found.emoji ? `${found.emoji} ` : ''}${found.label}` : key;
    };
    return [
      `*${escapeMrkdwn(t.stats.title(day(stats.from), day(stats.to)))}*`,
      `${t.stats.opened(stats.total)} · ${t.stats.missed(stats.firstResponseTargetMissed)}`,
      `*${t.stats.byStatus}*: ${(['open', 'pending', 'resolved', 'closed'] as const).map((s) => `:${STATUS_REACTION[s]}: ${t.status(s)} ${stats.byStatus[s]}`).join(' · ')}`,
      `*${t.stats.byCategory}*: ${stats.byCategory.map((c) => `${escapeMrkdwn(category(c.categoryKey))} ${c.count}`).join(' · ') || t.stats.none}`,
      `*${t.stats.firstResponse}*: ${durations(stats.firstResponseHours)}`,
      `*${t.stats.resolution}*: ${durations(stats.resolutionHours)}`,
      `*${t.stats.satisfaction}*: ${stats.satisfaction ? t.stats.rated(stats.satisfaction.average, stats.satisfaction.count) : t.stats.none}`,
      `*${t.stats.perAgent}*: ${stats.perAgent.map((a) => escapeMrkdwn(t.stats.agentLine(a.agentName, a.assigned, a.closed))).join(' · ') || t.stats.none}`,
    ].join('\n');
  }

  /** `/ticket list`: staff see their categories' tickets, anyone else their own. */
  async list(teamId: string, actor: Actor, status: TicketFilter['status'], t: Catalog): Promise<string> {
    const desk = this.sd.deskForTeam(teamId);
    const tickets = await this.sd.service.list('slack', teamId, actor, { status, limit: 20 });
    const statusWord = t.list.statusFilter[status ?? 'active'] ?? String(status);
    if (tickets.length === 0) return `${t.list.title(0, statusWord)}\n${t.list.empty}`;
    const lines = tickets.map((ticket) => {
      const found = desk.categories.find((c) => c.key === ticket.categoryKey);
      const category = found ? `${found.emoji ? `${found.emoji} ` : ''}${found.label}` : ticket.categoryKey;
      // Requesters get a link to their own thread, staff to the staff thread.
      const own = ticket.requesterId === actor.id && ticket.requesterChannelId && ticket.requesterThreadId;
      const url = own ? this.sd.messageUrl(ticket.requesterChannelId!, ticket.requesterThreadId!) : ticket.channelId && ticket.threadId ? this.sd.messageUrl(ticket.channelId, ticket.threadId) : null;
      const label = url ? `<${url}|${this.sd.label(ticket)}>` : this.sd.label(ticket);
      return `:${STATUS_REACTION[ticket.status as TicketStatus]}: *${label}* · ${t.staffStatus(ticket.status)} · ${escapeMrkdwn(category)} · ${escapeMrkdwn(ticket.subject)} · <@${ticket.requesterId}>`;
    });
    return [t.list.title(tickets.length, statusWord), ...lines].join('\n');
  }
}

