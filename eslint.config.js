import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** What `src/core` may not import: it knows no platform, ORM, logger, environment or I/O. */
export const coreRestrictedImports = {
  paths: ['discord.js', '@slack/bolt', '@slack/web-api', '@slack/socket-mode', 'typeorm', 'sqlite3', 'pg', 'pino', 'pino-pretty', 'dotenv', 'ws'].map(
    (name) => ({ name, message: 'src/core is platform-neutral: adapters and src/persistence talk to libraries, the core defines ports.' }),
  ),
  patterns: [
    { group: ['@discordjs/*', '@slack/*', 'discord-api-types', 'discord-api-types/*'], message: 'src/core is platform-neutral.' },
    { group: ['node:*', 'fs', 'http', 'https', 'net', 'child_process'], message: 'src/core does no I/O: take a port instead.' },
    { group: ['../*', '../**'], message: 'src/core imports only from src/core.' },
  ],
};

export default defineConfig(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'coverage/**', 'test/.output/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', coreRestrictedImports] },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-console': 'off' },
  },
);
