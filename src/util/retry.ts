/**
 * Runs `attempt` again after a failure `retryable` accepts, waiting a little longer each time (with jitter),
 * up to `tries` attempts; the last failure is thrown.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: { tries: number; baseDelayMs: number; retryable: (error: unknown) => boolean },
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= options.tries || !options.retryable(error)) throw error;
      const delay = options.baseDelayMs * 2 ** (tries - 1);
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    }
  }
}
