// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O clients,
// no reaching into activities' implementations (types only).
const forbiddenInWorkflows = {
  patterns: [
    { group: ['node:*'], message: 'Workflows are deterministic: no Node built-ins (use activities).' },
    {
      group: ['fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'stream', 'worker_threads', 'dns', 'zlib'],
      message: 'Workflows are deterministic: no Node built-ins (use activities).',
    },
    {
      group: ['pg', 'pg-*', 'kafkajs', '@duckdb/*', '@google-cloud/*', 'ibm_db', 'pino', '@temporalio/worker', '@temporalio/client', '@temporalio/activity'],
      message: 'Workflows must not do I/O: call an activity.',
    },
    {
      group: ['../connectors/*', '../workers/*', '../cli/*', '../activities/*'],
      allowTypeImports: true,
      message: 'Workflows import activities as types only (import type).',
    },
  ],
};

export default tseslint.config(
  // wasm/ is AssemblyScript (compiled by scripts/build-wasm.ts), not TypeScript.
  { ignores: ['.dependency-cruiser.cjs', 'node_modules/**', '.stack/**', '.scratch/**', 'bin/**', 'coverage/**', 'wasm/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The console's browser scripts: plain ES modules served as they are (no build step, no types).
    files: ['serving/console/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: Object.fromEntries(['window', 'document', 'location', 'fetch', 'URLSearchParams', 'Node', 'console'].map((name) => [name, 'readonly'])),
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', forbiddenInWorkflows] },
  },
);
