import { percentile, type WarmUpFigures } from './support.js';
/** What one bench run is asked to do. */
export interface BenchOptions {
  /** Tickets opened (and left open: the memory figure is taken with them all open). */
  tickets: number;
  /** Messages of the full-speed burst, spread over the tickets. */
  messages: number;
  /** Messages sent one at a time, at `pacedRate` per second, for the time per event. */
  paced: number;
  pacedRate: number;
  /** Members opening tickets side by side. */
  concurrency: number;
  /** Distinct members opening the tickets. */
  members: number;
  /** Tickets opened (and talked in) before anything is measured; they stay open, so memory is taken with them. */
  warmup: number;
}

export interface Latency {
  p50: number;
  p99: number;
}

/** What one run measured. Times in milliseconds, memory in bytes. */
export interface Figures {
  platform: 'discord' | 'slack';
  database: 'sqlite' | 'postgres';
  tickets: number;
  ticketsPerSecond: number;
  /** From the modal submission to the last platform call the opening made. */
  ticketLatency: Latency;
  messages: number;
  messagesPerSecond: number;
  /** From a message event to its mirrored copy, under the full-speed burst (queueing included). */
  burstLatency: Latency;
  pacedMessages: number;
  /** From a message event to the last platform call it caused, one message at a time. */
  pacedLatency: Latency;
  /** CPU the bot process used per ticket opened, and per message of the burst. */
  cpuPerTicketMs: number;
  cpuPerMessageMs: number;
  floorTicketsPerSecond: number;
  floorMessagesPerSecond: number;
  /** The floor's time per paced message, timed as the bot's. */
  floorPacedLatency: Latency;
  peakRss: number;
  /** Resident memory once the bot is connected, before any ticket: what running it costs at all. */
  rssAtStart: number;
  rssWithOpenTickets: number;
  lost: number;
  doubled: number;
  outOfOrder: number;
  errorLines: number;
  firstError: string | null;
  warmUp: WarmUpFigures;
}

/** What a platform's run measured, raw: {@link figuresOf} turns it into the figures printed. */
export interface Measured {
  platform: Figures['platform'];
  database: Figures['database'];
  tickets: number;
  ticketSeconds: number;
  ticketLatencies: readonly number[];
  messages: number;
  messageSeconds: number;
  burstLatencies: readonly number[];
  pacedLatencies: readonly number[];
  cpuPerTicketMs: number;
  cpuPerMessageMs: number;
  floor: { ticketsPerSecond: number; messagesPerSecond: number; pacedLatencies: readonly number[] };
  peakRss: number;
  rssAtStart: number;
  rssWithOpenTickets: number;
  /** The message checks of the burst and of the paced messages. */
  checks: ReadonlyArray<{ lost: number; doubled: number; outOfOrder: number }>;
  errors: readonly string[];
  warmUp: WarmUpFigures;
}

function latency(values: readonly number[]): Latency {
  return { p50: percentile(values, 50), p99: percentile(values, 99) };
}

export function figuresOf(m: Measured): Figures {
  const sum = (key: 'lost' | 'doubled' | 'outOfOrder') => m.checks.reduce((total, check) => total + check[key], 0);
  return {
    platform: m.platform,
    database: m.database,
    tickets: m.tickets,
    ticketsPerSecond: m.tickets / m.ticketSeconds,
    ticketLatency: latency(m.ticketLatencies),
    messages: m.messages,
    messagesPerSecond: m.messages / m.messageSeconds,
    burstLatency: latency(m.burstLatencies),
    pacedMessages: m.pacedLatencies.length,
    pacedLatency: latency(m.pacedLatencies),
    cpuPerTicketMs: m.cpuPerTicketMs,
    cpuPerMessageMs: m.cpuPerMessageMs,
    floorTicketsPerSecond: m.floor.ticketsPerSecond,
    floorMessagesPerSecond: m.floor.messagesPerSecond,
    floorPacedLatency: latency(m.floor.pacedLatencies),
    peakRss: m.peakRss,
    rssAtStart: m.rssAtStart,
    rssWithOpenTickets: m.rssWithOpenTickets,
    lost: sum('lost'),
    doubled: sum('doubled'),
    outOfOrder: sum('outOfOrder'),
    errorLines: m.errors.length,
    firstError: m.errors[0]?.slice(0, 400) ?? null,
    warmUp: m.warmUp,
  };
}

export const TARGETS = {
  ticketsPerSecond: 200,
  messagesPerSecond: 1000,
  pacedP99Ms: 10,
  floorRatio: 0.5,
  rssBytes: 200 * 1024 * 1024,
};

/** Said under a throughput whose floor is below its target: the fake and the database alone do not reach it here. */
const UNREACHABLE = '       the floor itself is below the target: the fake and the database alone do not reach it on this machine';

const num = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const mb = (bytes: number) => `${num(bytes / 1024 / 1024)} MB`;
const mark = (ok: boolean) => (ok ? 'ok ' : 'MISS');

/** The figures as a table, each with its target and whether it is met. */
export function report(all: readonly Figures[]): string {
  const lines: string[] = [];
  for (const f of all) {
    const ticketRatio = f.ticketsPerSecond / f.floorTicketsPerSecond;
    const messageRatio = f.messagesPerSecond / f.floorMessagesPerSecond;
    lines.push(`\n${f.platform} on ${f.database}: ${f.tickets} tickets, ${f.messages} messages at full speed, ${f.pacedMessages} paced`);
    if (f.warmUp.tickets > 0) lines.push(`  after a warm-up of ${f.warmUp.tickets} tickets and ${f.warmUp.messages} messages (not counted; they stay open), which opened ${num(f.warmUp.coldTicketsPerSecond)} tickets/s cold`);
    const row = (label: string, value: string, target: string, ok: boolean) => lines.push(`  ${mark(ok)} ${label.padEnd(34)} ${value.padEnd(30)} ${target}`);
    row('tickets opened per second', `${num(f.ticketsPerSecond)} (floor ${num(f.floorTicketsPerSecond)}, ×${num(ticketRatio, 2)})`, `≥ ${TARGETS.ticketsPerSecond}, ≥ ×${TARGETS.floorRatio} floor`, f.ticketsPerSecond >= TARGETS.ticketsPerSecond && ticketRatio >= TARGETS.floorRatio);
    if (f.floorTicketsPerSecond < TARGETS.ticketsPerSecond) lines.push(UNREACHABLE);
    row('time per opening p50 / p99', `${num(f.ticketLatency.p50)} / ${num(f.ticketLatency.p99)} ms`, '(under full load)', true);
    row('messages stored+mirrored per s', `${num(f.messagesPerSecond)} (floor ${num(f.floorMessagesPerSecond)}, ×${num(messageRatio, 2)})`, `≥ ${TARGETS.messagesPerSecond}, ≥ ×${TARGETS.floorRatio} floor`, f.messagesPerSecond >= TARGETS.messagesPerSecond && messageRatio >= TARGETS.floorRatio);
    if (f.floorMessagesPerSecond < TARGETS.messagesPerSecond) lines.push(UNREACHABLE);
    row(
      'time per message p50 / p99',
      `${num(f.pacedLatency.p50)} / ${num(f.pacedLatency.p99)} ms (floor ${num(f.floorPacedLatency.p50)} / ${num(f.floorPacedLatency.p99)}, ×${num(f.pacedLatency.p50 / f.floorPacedLatency.p50, 1)} / ×${num(f.pacedLatency.p99 / f.floorPacedLatency.p99, 1)})`,
      `p99 < ${TARGETS.pacedP99Ms} ms (paced)`,
      f.pacedLatency.p99 < TARGETS.pacedP99Ms,
    );
    row('time per message in the burst', `${num(f.burstLatency.p50)} / ${num(f.burstLatency.p99)} ms`, '(queueing included)', true);
    row('bot CPU per ticket / per message', `${num(f.cpuPerTicketMs, 1)} / ${num(f.cpuPerMessageMs, 2)} ms`, '(for the record)', true);
    row('RSS at start / all tickets open / peak', `${mb(f.rssAtStart)} / ${mb(f.rssWithOpenTickets)} / ${mb(f.peakRss)}`, `< ${mb(TARGETS.rssBytes)}`, f.peakRss < TARGETS.rssBytes);
    row('lost / doubled / out of order', `${f.lost} / ${f.doubled} / ${f.outOfOrder}`, '0 / 0 / 0', f.lost + f.doubled + f.outOfOrder === 0);
    row('error lines in the bot log', `${f.errorLines}`, '0', f.errorLines === 0);
    if (f.firstError) lines.push(`       first: ${f.firstError}`);
  }
  return lines.join('\n');
}
