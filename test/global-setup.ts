import { buildBot } from './helpers/run-bot.js';

/**
 * Once, before the run: compiles the bot as `npm start` does (the tests that start it run dist/src/main.js),
 * and says whether the PostgreSQL suites will run.
 */
export default function setup(): void {
  buildBot();
  if (process.env.TEST_DATABASE_URL) {
    const url = new URL(process.env.TEST_DATABASE_URL);
    console.log(`PostgreSQL suites: running against ${url.hostname}:${url.port || 5432}${url.pathname}`);
  } else {
    console.log('PostgreSQL suites: SKIPPED (TEST_DATABASE_URL is not set; sqlite suites run)');
  }
}
