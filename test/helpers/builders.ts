import { parseSupportConfig, formatConfigProblems } from '../../config/support-config.js';
import type { Actor, Clock, SupportConfig, Ticket, TicketForm, TicketService } from '../../src/core/index.js';

/** Ids shared by the test desk, the fake platforms and the assertions. */
export const ids = {
  guild: '3000000000000000001',
  moderatorRole: '3000000000000000010',
  billingAgentRole: '3000000000000000020',
  technicalAgentRole: '3000000000000000021',
  logChannel: '3000000000000000100',
  billingChannel: '3000000000000000201',
  technicalChannel: '3000000000000000202',
  team: 'T0TESTTEAM',
  slackLogChannel: 'C0TESTLOG1',
  slackBillingChannel: 'C0TESTBIL1',
  slackTechnicalChannel: 'C0TESTTEC1',
} as const;

/** The people of the test desk, on Discord (role ids) and on Slack (user ids in the config). */
export const people = {
  alice: { id: '3000000000000001001', name: 'Alice', roleIds: [] },
  bob: { id: '3000000000000001002', name: 'Bob', roleIds: [] },
  anna: { id: '3000000000000002001', name: 'Anna (billing agent)', roleIds: [ids.billingAgentRole] },
  tom: { id: '3000000000000002002', name: 'Tom (technical agent)', roleIds: [ids.technicalAgentRole] },
  mia: { id: '3000000000000003001', name: 'Mia (moderator)', roleIds: [ids.moderatorRole] },
} satisfies Record<string, Actor>;

export const slackPeople = {
  alice: { id: 'U0ALICE001', name: 'Alice' },
  bob: { id: 'U0BOB00001', name: 'Bob' },
  anna: { id: 'U0ANNA0001', name: 'Anna (billing agent)' },
  tom: { id: 'U0TOM00001', name: 'Tom (technical agent)' },
  mia: { id: 'U0MIA00001', name: 'Mia (moderator)' },
} satisfies Record<string, Actor>;

type RawDesk = Record<string, unknown> & { categories: Array<Record<string, unknown>> };

/** Builds a desk configuration as a user would write it, and checks it with the real loader. */
export class DeskConfigBuilder {
  private desk: RawDesk = {
    id: 'test',
    ticketPrefix: 'CS-',
    language: 'en',
    discord: { guildId: ids.guild, moderatorRoleIds: [ids.moderatorRole], logChannelId: ids.logChannel },
    slack: { teamId: ids.team, moderatorUserIds: [slackPeople.mia.id], logChannelId: ids.slackLogChannel },
    limits: { maxOpenPerUser: 10, cooldownSeconds: 0 },
    categories: [
      {
        key: 'billing',
        label: 'Billing',
        emoji: '💳',
        description: 'Payments and invoices',
        questions: [{ key: 'order', label: 'Order number', required: false }],
        discord: { channelId: ids.billingChannel, agentRoleIds: [ids.billingAgentRole] },
        slack: { channelId: ids.slackBillingChannel, agentUserIds: [slackPeople.anna.id] },
      },
      {
        key: 'technical',
        label: 'Technical problem',
        emoji: '🛠️',
        questions: [{ key: 'steps', label: 'Steps to reproduce', required: true, long: true }],
        discord: { channelId: ids.technicalChannel, agentRoleIds: [ids.technicalAgentRole] },
        slack: { channelId: ids.slackTechnicalChannel, agentUserIds: [slackPeople.tom.id] },
      },
    ],
  };

  withLimits(limits: Record<string, unknown>): this {
    this.desk.limits = { ...(this.desk.limits as object), ...limits };
    return this;
  }

  withAutoClose(autoClose: Record<string, unknown>): this {
    this.desk.autoClose = autoClose;
    return this;
  }

  with(fields: Record<string, unknown>): this {
    Object.assign(this.desk, fields);
    return this;
  }

  withCategory(category: Record<string, unknown>): this {
    this.desk.categories.push(category);
    return this;
  }

  raw(): { desks: RawDesk[] } {
    return { desks: [structuredClone(this.desk)] };
  }

  build(): SupportConfig {
    const parsed = parseSupportConfig(this.raw());
    if (!parsed.ok) throw new Error(formatConfigProblems('test desk', parsed.problems));
    return parsed.config;
  }
}

export const aDeskConfig = () => new DeskConfigBuilder();

let subjects = 0;

/** A ticket form that passes the test desk's rules, to be changed one field at a time. */
export class FormBuilder {
  private form: TicketForm = {
    categoryKey: 'billing',
    subject: `Charged twice for my order ${++subjects}`,
    description: 'I was charged twice for the same order last week.',
    answers: { order: 'A-1042' },
    attachments: [],
  };

  category(key: string | null): this {
    this.form.categoryKey = key;
    if (key === 'technical') this.form.answers = { steps: 'Open the app, tap Pay, it crashes.' };
    return this;
  }
  subject(subject: string): this {
    this.form.subject = subject;
    return this;
  }
  description(description: string): this {
    this.form.description = description;
    return this;
  }
  answer(key: string, value: string | undefined): this {
    this.form.answers = { ...this.form.answers, [key]: value };
    return this;
  }
  file(name: string, contentType: string, size: number): this {
    this.form.attachments = [...this.form.attachments, { name, contentType, size }];
    return this;
  }
  build(): TicketForm {
    return structuredClone(this.form);
  }
}

export const aForm = () => new FormBuilder();

/** A clock tests move by hand. */
export class TestClock implements Clock {
  private current: number;
  constructor(start = '2026-11-23T10:00:00Z') {
    this.current = Date.parse(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = Date.parse(iso);
  }
  advance(by: { seconds?: number; minutes?: number; hours?: number; days?: number }): void {
    this.current += (by.seconds ?? 0) * 1000 + (by.minutes ?? 0) * 60_000 + (by.hours ?? 0) * 3_600_000 + (by.days ?? 0) * 86_400_000;
  }
}

let messageIds = 0;
export const nextMessageId = () => `9${String(Date.now()).slice(-9)}${String(++messageIds).padStart(8, '0')}`;

/**
 * Puts a ticket in a given state through the real use cases: `await aTicket(service).pending().build()`.
 */
export class TicketBuilder {
  private requester: Actor = people.alice;
  private form = aForm();
  private steps: Array<(ticket: Ticket) => Promise<Ticket>> = [];

  constructor(private readonly service: TicketService) {}

  by(requester: Actor): this {
    this.requester = requester;
    return this;
  }
  in(categoryKey: string): this {
    this.form.category(categoryKey);
    return this;
  }
  subject(subject: string): this {
    this.form.subject(subject);
    return this;
  }
  pending(agent: Actor = people.anna): this {
    this.steps.push(async (t) => (await this.service.recordMessage(this.message(t, agent, 'Could you send the invoice?'))).ticket);
    return this;
  }
  resolved(agent: Actor = people.anna): this {
    this.steps.push(async (t) => (await this.service.resolve(t.id, agent)).ticket);
    return this;
  }
  closed(by: Actor = people.anna, reason = 'Refund issued'): this {
    this.steps.push(async (t) => (await this.service.close(t.id, by, reason)).ticket);
    return this;
  }

  private message(ticket: Ticket, author: Actor, body: string) {
    return { ticketId: ticket.id, author, channelId: `thread-${ticket.id}`, messageId: nextMessageId(), body };
  }

  async build(): Promise<Ticket> {
    const opened = await this.service.openTicket({
      platform: 'discord',
      workspaceId: ids.guild,
      requester: this.requester,
      form: this.form.build(),
    });
    let ticket = opened.ticket;
    for (const step of this.steps) ticket = await step(ticket);
    return ticket;
  }
}

export const aTicket = (service: TicketService) => new TicketBuilder(service);
