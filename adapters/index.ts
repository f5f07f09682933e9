import type { AdapterFactory } from '../src/app.js';

/**
 * Every platform adapter, loaded only when its credentials are set (a Discord-only desk never loads Bolt).
 * Registering a platform means adding it here.
 */
export const adapterLoaders: Record<'discord' | 'slack', () => Promise<AdapterFactory>> = {
  discord: async () => (await import('./discord/index.js')).createDiscordAdapter,
  slack: async () => (await import('./slack/index.js')).createSlackAdapter,
};
