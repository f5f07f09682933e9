/** A running connection to one platform (the Discord client, the Slack app). */
export interface PlatformAdapter {
  readonly platform: 'discord' | 'slack';
  /** Connects and starts handling events; resolves once the platform accepted the bot. */
  start(): Promise<void>;
  /** Stops taking new events and waits for the ones in progress, then disconnects. */
  stop(): Promise<void>;
}
