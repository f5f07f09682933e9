import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What a Chromium run printed and how it ended. */
export interface ChromiumRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Debian's Chromium: `/usr/bin/chromium`, else `chromium` on the PATH; null when neither exists. */
export function findChromium(): string | null {
  const candidates = ['/usr/bin/chromium', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'chromium'))];
  return candidates.find(isExecutable) ?? null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Flags for a quiet, offline, throw-away headless Chromium. */
export function headlessFlags(userDataDir: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${userDataDir}`,
    // Page console messages, CSP violations included, go to stderr.
    '--enable-logging=stderr',
    '--v=0',
  ];
}

/**
 * Runs Chromium in its own process group and kills the whole group when it ends or after `timeoutMs`,
 * so no renderer or crash handler outlives the test.
 */
export function runChromium(binary: string, args: readonly string[], timeoutMs: number): Promise<ChromiumRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`Chromium did not finish within ${timeoutMs / 1000} s; its last output:\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', killGroup);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
