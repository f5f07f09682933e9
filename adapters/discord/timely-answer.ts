import { MessageFlags, type ButtonInteraction, type InteractionReplyOptions, type ModalSubmitInteraction, type RepliableInteraction } from 'discord.js';

/** What a work ends with: a text, and buttons under it. */
export type Answer = { content: string } & Pick<InteractionReplyOptions, 'components'>;

/**
 * How long a work may take before its interaction is deferred. Discord wants a first answer within 3 s of
 * sending the interaction; half of that leaves room for the gateway's delay and a busy event loop.
 */
export const ANSWER_WITHIN_MS = 1500;

/** The answer under way for an interaction, so the error boundary can wait for a defer already sent. */
const pending = new WeakMap<RepliableInteraction, TimelyAnswer>();

/**
 * Answers an interaction once, with what its work ends with: in one call when the work ends within
 * {@link ANSWER_WITHIN_MS} (the modal closes on the answer itself), or else deferred when that time is up (Discord
 * shows "thinking…", or keeps the message as it is for a button) and the answer edited in when it comes.
 * A form is answered with an ephemeral message; a button, by editing the message it is on.
 */
export class TimelyAnswer {
  private timer: NodeJS.Timeout | null;
  private deferring: Promise<unknown> | null = null;

  constructor(
    private readonly interaction: ModalSubmitInteraction | ButtonInteraction,
    withinMs = ANSWER_WITHIN_MS,
  ) {
    pending.set(interaction, this);
    this.timer = setTimeout(() => void this.defer().catch(() => undefined), withinMs);
    this.timer.unref();
  }

  /** Defers now (once), unless the interaction was answered already. */
  private defer(): Promise<unknown> {
    this.stopTimer();
    if (!this.deferring && !this.interaction.deferred && !this.interaction.replied) {
      this.deferring = this.interaction.isButton() ? this.interaction.deferUpdate() : this.interaction.deferReply({ flags: MessageFlags.Ephemeral });
    }
    return this.deferring ?? Promise.resolve();
  }

  /** The answer: the reply (or the update) itself, or an edit of the deferred one. */
  async send(answer: Answer): Promise<void> {
    await this.settle();
    if (this.interaction.deferred || this.interaction.replied) await this.interaction.editReply(answer);
    else if (this.interaction.isButton()) await this.interaction.update(answer);
    else await this.interaction.reply({ ...answer, flags: MessageFlags.Ephemeral });
  }

  /** No defer from now on, and the one sent (if any) settled: `deferred` then says what Discord has. */
  async settle(): Promise<void> {
    this.stopTimer();
    await this.deferring?.catch(() => undefined);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Before telling a user something went wrong: an answer under way stops deferring, and its defer is settled. */
export async function settleAnswer(interaction: RepliableInteraction): Promise<void> {
  await pending.get(interaction)?.settle();
}
