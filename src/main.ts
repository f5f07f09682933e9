import { config as loadDotenv } from 'dotenv';
import { adapterLoaders } from '../adapters/index.js';
import { formatConfigProblems, loadSupportConfig } from '../config/support-config.js';
import { startApp, type AdapterFactory } from './app.js';
import { createLogger, scrubText } from './logger.js';
import { formatSettingProblems, NO_PLATFORM_MESSAGE, readSettings, secretsOf } from './settings.js';

/**
 * `npm start`: reads `.env` and the desk configuration, opens the database (migrations applied), starts
 * each adapter whose credentials are set, and stops cleanly on SIGINT or SIGTERM.
 */
async function main(): Promise<number> {
  loadDotenv({ quiet: true });
  const read = readSettings(process.env);
  if (!read.ok) {
    process.stderr.write(`${formatSettingProblems(read.problems)}\n`);
    return 1;
  }
  const settings = read.settings;
  if (!settings.discord && !settings.slack) {
    process.stderr.write(`${NO_PLATFORM_MESSAGE}\n`);
    return 1;
  }
  const loaded = loadSupportConfig(settings.supportConfigPath);
  if (!loaded.ok) {
    process.stderr.write(`${formatConfigProblems(settings.supportConfigPath, loaded.problems)}\n`);
    return 1;
  }
  const logger = createLogger({ level: settings.logLevel, secrets: secretsOf(settings) });
  const adapters: Partial<Record<'discord' | 'slack', AdapterFactory>> = {};
  for (const platform of ['discord', 'slack'] as const) {
    if (settings[platform]) adapters[platform] = await adapterLoaders[platform]();
  }

  // Signals are heard from here on: one that comes while the bot starts stops it as soon as it has started.
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  let app;
  try {
    app = await startApp({ settings, config: loaded.config, logger, adapters });
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    process.stderr.write(`Could not start: ${scrubText((error as Error).message ?? String(error), secretsOf(settings))}\n`);
    return 1;
  }
  const signal = await stopSignal;
  logger.info({ signal }, 'stopping');
  // Stopping finishes the work under way; a second signal means now.
  const now = (second: string) => {
    logger.warn({ signal: second }, 'stopping now, without finishing the work under way');
    process.exit(1);
  };
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  try {
    await app.stop();
    return 0;
  } catch (error) {
    logger.error({ err: error }, 'stopped with an error');
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${scrubText(String((error as Error)?.stack ?? error))}\n`);
    process.exit(1);
  },
);
