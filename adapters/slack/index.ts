import type { AllMiddlewareArgs, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdapterContext } from '../../src/app.js';
import { isRefusal, refuse, suggestArticles, type OpenedTicket } from '../../src/core/index.js';
import type { Catalog } from '../../src/i18n/index.js';
import { referenceId } from '../../src/logger.js';
import type { PlatformAdapter } from '../../src/platform-adapter.js';
import { ACTIONS, CLOSE_CALLBACK, FORM_CALLBACK, RATING_CALLBACK, ratingCommentView, REOPEN_CALLBACK, SUGGESTIONS_CALLBACK } from './blocks.js';
import { ConversationEvents, type MessageEvent } from './conversation-events.js';
import { SlackDesk } from './slack-desk.js';
import { parseTicketCommand, TicketActions } from './ticket-actions.js';
import { SlackTicketForm, type SubmittedView } from './ticket-form.js';
import { TicketUpdates } from './ticket-updates.js';

type Say = (text: string) => Promise<unknown>;
type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** Slack wants a form answered within 3 s of sending it; half of that leaves room for the network and a busy loop. */
const ANSWER_WITHIN_MS = 1500;

export interface SlackAdapter extends PlatformAdapter {
  desk: SlackDesk;
  /** The HTTP receiver's address once started (HTTP mode). */
  url(): string | null;
}

/**
 * The Slack adapter: a real Bolt app, in HTTP mode (signing secret; Bolt checks signatures and timestamps)
 * or Socket Mode (app token). Every handler is registered here, by its id, inside one error boundary:
 * refusals are told in the user's language, anything else is logged with a reference the user sees.
 */
export function createSlackAdapter(context: AdapterContext): SlackAdapter {
  const settings = context.settings.slack;
  if (!settings) throw new Error('Slack settings are missing');
  const sd = new SlackDesk(context, settings);
  const updates = new TicketUpdates(sd);
  const form = new SlackTicketForm(sd);
  const actions = new TicketActions(sd, updates);
  const conversations = new ConversationEvents(sd, updates);
  const app = sd.app;
  const inFlight = new Set<Promise<unknown>>();
  let server: Server | null = null;

  /** Runs a listener's work, telling the user about refusals and failures; tracked for a clean shutdown. */
  const guarded = async (userId: string | undefined, teamId: string | undefined, say: Say | null, work: () => Promise<void>) => {
    const run = work().catch(async (error: unknown) => {
      const desk = teamId ? context.desks.forWorkspace('slack', teamId) : null;
      const t = userId ? await sd.words(userId, desk) : null;
      let text: string | null;
      if (isRefusal(error)) {
        text = t?.refusal(error.refusal) ?? null;
        sd.log.debug({ refusal: error.refusal, user: userId }, 'refused');
      } else {
        const ref = referenceId();
        sd.log.error({ err: error, ref, user: userId, code: (error as { data?: { error?: string } }).data?.error }, 'Slack listener failed');
        text = t?.internalError(ref) ?? null;
      }
      if (text && say) await say(text).catch((sayError: unknown) => sd.log.warn({ err: sayError }, 'could not tell the user about a failure'));
    });
    inFlight.add(run);
    await run.finally(() => inFlight.delete(run));
  };
  /** Work a stop waits for, that no listener awaits yet. */
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    work.then(
      () => inFlight.delete(work),
      () => inFlight.delete(work),
    );
  };

  app.command('/ticket', async ({ ack, body, respond }) => {
    await ack();
    const say: Say = (text) => respond({ response_type: 'ephemeral', text });
    await guarded(body.user_id, body.team_id, say, async () => {
      const desk = sd.deskForTeam(body.team_id);
      const t = await sd.words(body.user_id, desk);
      const command = parseTicketCommand(body.text ?? '', desk.categories.map((c) => c.key));
      switch (command.verb) {
        case 'new':
          return form.open(body.trigger_id, body.team_id, body.user_id, command.category);
        case 'help':
          await say(t.slack.usage);
          return;
        case 'unknown':
          await say(`${t.slack.unknownCommand(command.word)}\n${t.slack.usage}`);
          return;
        case 'list':
          await say(await actions.list(body.team_id, await sd.actor(body.user_id), command.status, t));
          return;
        case 'stats':
          await say(await actions.stats(body.team_id, await sd.actor(body.user_id), command.days, t));
          return;
        case 'transcript': {
          const ticket = await sd.service.ticketByReference('slack', body.team_id, command.reference ?? '');
          await actions.transcript(ticket, await sd.actor(body.user_id), command.format, t, null);
          await say(t.transcript.ready(sd.label(ticket)));
          return;
        }
      }
      if (!command.reference) {
        await say(t.slack.numberNeeded);
        return;
      }
      const ticket = await sd.service.ticketByReference('slack', body.team_id, command.reference);
      const actor = await sd.actor(body.user_id);
      const label = sd.label(ticket);
      if (command.verb === 'claim') {
        await actions.claim(ticket, actor);
        await say(t.done.claimed(label));
      } else if (command.verb === 'close') {
        await actions.close(ticket, actor, command.reason);
        await say(t.close.done(label));
      } else {
        await actions.reopen(ticket, actor, command.reason);
        await say(t.reopen.done(label));
      }
    });
  });

  // One listener per kind of request, dispatching by id: Bolt copies its arguments for every listener of every
  // request (matching or not), so fifteen listeners cost fifteen copies per message event.
  const onAction = new Map<string, (args: ActionArgs) => Promise<void>>();
  const onView = new Map<string, (args: ViewArgs) => Promise<void>>();

  onAction.set(ACTIONS.category, async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions' || !body.view || action.type !== 'static_select') return;
    const view = body.view as unknown as SubmittedView;
    await guarded(body.user.id, body.team?.id, null, () => form.categoryPicked(view, body.team?.id ?? '', body.user.id, action.selected_option.value));
  });

  for (const [actionId, kind] of [
    [ACTIONS.claim, 'claim'],
    [ACTIONS.resolve, 'resolve'],
    [ACTIONS.close, 'close'],
    [ACTIONS.reopen, 'reopen'],
    [ACTIONS.transcript, 'transcript'],
  ] as const) {
    onAction.set(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button') return;
      const say: Say = (text) => respond({ response_type: 'ephemeral', replace_original: false, text });
      await guarded(body.user.id, body.team?.id, say, async () => {
        const ticket = await sd.service.ticketById(ticketIdOf(action.value));
        if (ticket.platform !== 'slack' || ticket.workspaceId !== body.team?.id) refuse({ code: 'ticket_not_found', reference: String(action.value ?? '').slice(0, 20) });
        const actor = await sd.actor(body.user.id);
        const t = await sd.words(body.user.id, sd.deskOf(ticket));
        if (kind === 'claim') await actions.claim(ticket, actor);
        else if (kind === 'resolve') await actions.resolve(ticket, actor);
        else if (kind === 'transcript') await actions.transcript(ticket, actor, 'html', t, { channel: body.channel?.id ?? null, threadTs: body.message?.ts ?? null });
        else await actions.askReason(kind, ticket, actor, body.trigger_id, t);
      });
    });
  }

  onView.set(FORM_CALLBACK, async ({ ack, body, view }) => {
    const teamId = body.team?.id ?? '';
    const userId = body.user.id;
    const submitted = view as unknown as SubmittedView;
    let read: ReturnType<SlackTicketForm['read']>;
    // The ticket being opened, when it is opened before the answer to Slack.
    let opening: Promise<OpenedTicket> | null = null;
    try {
      read = form.read(submitted);
      const requester = await sd.actor(userId);
      const request = { platform: 'slack' as const, workspaceId: teamId, requester, form: read.form, sourceKey: read.sourceKey };
      const desk = sd.deskForTeam(teamId);
      const checked = sd.service.checkForm(request);
      const articles = suggestArticles(desk, checked.category.key, checked.subject, checked.description);
      if (read.files.length === 0 && articles.length === 0) {
        // Nothing to download or suggest: the ticket is opened before Slack is answered (one write, where a read
        // first and the write after were two), so a refusal still shows in the form. An opening that takes longer
        // than Slack waits is answered when that time is up, and goes on after.
        opening = form.store(teamId, userId, read);
        track(opening);
        await settledWithin(opening, ANSWER_WITHIN_MS);
      } else {
        const { opened } = await sd.service.precheckOpen(request);
        if (opened) {
          await ack();
          return;
        }
        if (articles.length > 0) {
          const t = await sd.words(userId, desk);
          await ack({ response_action: 'update', view: form.suggestionsView(t, articles, form.hold(read, teamId, userId)) as never });
          return;
        }
      }
    } catch (error) {
      if (!isRefusal(error)) {
        const ref = referenceId();
        sd.log.error({ err: error, ref, user: userId }, 'could not check a Slack ticket form');
        const t = await sd.words(userId, null);
        await ack({ response_action: 'errors', errors: { subject: t.internalError(ref) } });
        return;
      }
      const desk = context.desks.forWorkspace('slack', teamId);
      const t = await sd.words(userId, desk);
      await ack({ response_action: 'errors', errors: desk ? form.errorsFor(error.refusal, t, submitted, desk) : { subject: t.refusal(error.refusal) } });
      return;
    }
    await ack();
    await guarded(userId, teamId, (text) => dmUser(userId, text), async () => {
      if (opening) await form.setUpOpened(await opening, userId);
      else await form.submit(teamId, userId, read);
    });
  });

  for (const [callbackId, kind] of [
    [CLOSE_CALLBACK, 'close'],
    [REOPEN_CALLBACK, 'reopen'],
  ] as const) {
    onView.set(callbackId, async ({ ack, body, view }) => {
      const userId = body.user.id;
      const reason = view.state.values.reason?.reason?.value ?? null;
      let ticket;
      let t: Catalog | null = null;
      try {
        ticket = await sd.service.ticketById(ticketIdOf(view.private_metadata));
        t = await sd.words(userId, sd.deskOf(ticket));
        const actor = await sd.actor(userId);
        const change = await sd.queue.run(`ticket:${ticket.id}`, () => (kind === 'close' ? sd.service.close(ticket!.id, actor, reason) : sd.service.reopen(ticket!.id, actor, reason)));
        await ack();
        await guarded(userId, ticket.workspaceId, null, () =>
          sd.queue.run(`ticket:${change.ticket.id}`, () => (kind === 'close' ? updates.closed(change, actor) : updates.reopened(change, actor))),
        );
      } catch (error) {
        if (isRefusal(error)) {
          const words = t ?? (await sd.words(userId, null));
          await ack({ response_action: 'errors', errors: { reason: words.refusal(error.refusal) } });
          return;
        }
        const ref = referenceId();
        sd.log.error({ err: error, ref, user: userId }, 'Slack reason modal failed');
        await ack({ response_action: 'errors', errors: { reason: (t ?? (await sd.words(userId, null))).internalError(ref) } });
      }
    });
  }

  onView.set(SUGGESTIONS_CALLBACK, async ({ ack, body, view }) => {
    const held = form.release(view.private_metadata, body.user.id);
    await ack();
    if (!held) return;
    await guarded(body.user.id, held.teamId, (text) => dmUser(body.user.id, text), async () => {
      await form.submit(held.teamId, body.user.id, held.read);
    });
  });

  onAction.set(ACTIONS.rate, async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const [ticketPart, scorePart] = String(action.value ?? '').split(':');
    const channel = body.channel?.id;
    const messageTs = body.message?.ts;
    await guarded(body.user.id, body.team?.id, channel && messageTs ? (text) => sd.post(channel, body.message?.thread_ts ?? messageTs, text) : null, async () => {
      const ticketId = ticketIdOf(ticketPart);
      const rating = await sd.service.rate(ticketId, await sd.actor(body.user.id), Number(scorePart));
      const ticket = await sd.service.ticketById(ticketId);
      const t = sd.requesterWords(ticket);
      await sd.client.views.open({ trigger_id: body.trigger_id, view: ratingCommentView(t, ticketId) as never });
      if (channel && messageTs) await sd.client.chat.update({ channel, ts: messageTs, text: t.rating.thanks(rating.score), blocks: [] });
    });
  });

  onView.set(RATING_CALLBACK, async ({ ack, body, view }) => {
    await ack();
    const comment = view.state.values.comment?.comment?.value?.trim() || null;
    if (!comment) return;
    await guarded(body.user.id, body.team?.id, (text) => dmUser(body.user.id, text), async () => {
      const ticket = await sd.service.ticketById(ticketIdOf(view.private_metadata));
      await sd.service.commentOnRating(ticket.id, await sd.actor(body.user.id), comment);
      if (ticket.requesterChannelId && ticket.requesterThreadId) await sd.post(ticket.requesterChannelId, ticket.requesterThreadId, sd.requesterWords(ticket).rating.commentThanks);
    });
  });

  app.event('message', ({ event, body }) => {
    // Bolt has acknowledged the delivery already. The message waits its turn in its ticket's queue holding only
    // what it needs: not Bolt's request, response and listener arguments (a burst would keep thousands alive).
    const message = event as unknown as MessageEvent;
    const { team_id: teamId } = body;
    void guarded(undefined, teamId, null, () => conversations.handle(message, teamId));
    return Promise.resolve();
  });

  // A button or form this version does not know (from an older version, or a tampered payload) is answered at
  // once rather than left to Slack's error after 3 seconds.
  app.action(/.*/, async (args) => {
    const { ack, body, action, respond } = args;
    const actionId = 'action_id' in action ? String(action.action_id) : '';
    const known = onAction.get(actionId);
    if (known) return known(args);
    await ack();
    // Link buttons (the suggested articles) send an action too; Slack opens the link itself.
    if (actionId.startsWith('article_link_') || body.type !== 'block_actions') return;
    const t = await sd.words(body.user.id, null);
    if (body.view) return;
    await respond({ response_type: 'ephemeral', replace_original: false, text: t.notInUse }).catch(() => undefined);
  });
  app.view(/.*/, async (args) => {
    const known = onView.get(args.view.callback_id);
    if (known) return known(args);
    const t = await sd.words(args.body.user.id, null);
    await args.ack({ response_action: 'update', view: notInUseView(t) as never });
  });

  app.error(async (error) => {
    sd.log.error({ err: error }, 'Bolt reported an error');
  });

  /** Tells a user something in their DM with the bot (after a modal closed, there is nowhere else). */
  const dmUser = async (userId: string, text: string) => {
    await sd.post(await sd.dmChannel(userId), null, text);
  };

  return {
    platform: 'slack',
    desk: sd,
    notifier: updates,
    url: () => {
      const address = server?.address() as AddressInfo | null | undefined;
      return address ? `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}/slack/events` : null;
    },
    async start() {
      await sd.identify();
      await sd.loadIndex();
      if (settings.appToken) {
        let connections = 0;
        // After a reconnection (not the first connection: the catch-up below covers it), look for what was missed.
        sd.socketReceiver?.client.on('connected', () => {
          if (++connections > 1) void guarded(undefined, undefined, null, async () => void (await conversations.startCatchUp()));
        });
        await app.start();
      } else {
        server = (await app.start({ port: settings.port, ...(settings.host ? { host: settings.host } : {}) })) as unknown as Server;
      }
      await guarded(undefined, undefined, null, async () => void (await conversations.startCatchUp()));
      sd.log.info({ mode: settings.appToken ? 'socket' : 'http', port: settings.appToken ? undefined : (server?.address() as AddressInfo | null)?.port, tickets: sd.spaces.size }, 'connected to Slack');
    },
    reconcile: (graceMs: number) => form.reconcile(graceMs),
    async stop() {
      conversations.stop();
      await app.stop();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await sd.queue.drain();
      sd.fetch.close();
    },
  };
}

/** Waits for `work` for at most `ms` (a failure within that time is thrown). */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise((done) => (timer = setTimeout(done, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function ticketIdOf(value: unknown): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) refuse({ code: 'ticket_not_found', reference: String(value ?? '').slice(0, 20) });
  return id;
}

/** A modal saying that the form it replaces is no longer in use. */
function notInUseView(t: Catalog) {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Support' },
    close: { type: 'plain_text', text: 'OK' },
    blocks: [{ type: 'section', text: { type: 'plain_text', text: t.notInUse } }],
  };
}
