import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');
/** tsx's loader: the bot runs in this one node process (the tsx command would add a parent that a SIGKILL leaves orphaned). */
const tsxLoader = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');

const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string; prestart: string } }).scripts;
/** What `npm start` runs (`node --max-semi-space-size=4 … dist/src/main.js`): its node options, and its script. */
const startWords = scripts.start.split(/\s+/);
export const startNodeArgs = startWords.filter((word) => /^--[\w-]+/.test(word));
const startScript = join(root, startWords.find((word) => word.endsWith('.js'))!);

/** Compiles the bot as `npm start` does first (`prestart`: TypeScript to dist/, incremental). */
export function buildBot(): void {
  const [command, ...args] = scripts.prestart.split(/\s+/);
  execFileSync(join(root, 'node_modules', '.bin', command!), args, { cwd: root, stdio: 'inherit' });
}

/**
 * Runs the bot the way `npm start` does (the compiled `dist/src/main.js`; {@link buildBot} first), in an empty
 * folder with only the given environment. `script` runs another entry point from source, as its npm script
 * does (tsx).
 */
export function runBot(env: Record<string, string>, options: { timeoutMs?: number; cwd?: string; script?: string; args?: string[]; nodeArgs?: string[] } = {}) {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'bot-start-'));
  const entry = options.script ? ['--import', tsxLoader, join(root, options.script)] : [startScript];
  const child = spawn(process.execPath, [...startNodeArgs, ...(options.nodeArgs ?? []), ...entry, ...(options.args ?? [])], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SUPPORT_CONFIG: join(root, 'config', 'support.json'), ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
  return { child, cwd, exited, output: () => ({ stdout, stderr }) };
}


/** A TCP port free on 127.0.0.1 right now, for a bot's HTTP server. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const found = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return found;
}
