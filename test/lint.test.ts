import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

describe('the core stays platform-neutral', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const lint = async (code: string, filePath: string) => {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it.each([
    "import { Client } from 'discord.js';",
    "import { App } from '@slack/bolt';",
    "import { DataSource } from 'typeorm';",
    "import pino from 'pino';",
    "import { readFile } from 'node:fs/promises';",
    "import { openDatabase } from '../persistence/database.js';",
    "import type { APIMessage } from 'discord-api-types/v10';",
  ])('GIVEN %s in src/core WHEN linted THEN it is refused', async (line) => {
    expect((await lint(`${line}\nexport const x = 1;\n`, 'src/core/example.ts')).length).toBeGreaterThan(0);
  });

  it('GIVEN core-internal imports WHEN linted THEN they pass, and adapters may import libraries', async () => {
    expect(await lint("import { transition } from './status-machine.js';\nexport const x = transition;\n", 'src/core/example.ts')).toEqual([]);
    expect(await lint("import { Client } from 'discord.js';\nexport const x = Client;\n", 'adapters/discord/example.ts')).toEqual([]);
  });
});
