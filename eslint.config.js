// ESLint flat config. Deliberately not type-aware: it stays fast on a two-core CI box, and `tsc`
// (npm run typecheck) plus svelte-check already cover what the type-aware rules would add.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The packages whose runtime output must go through the logger (pino, JSON lines), never console.*
const NO_CONSOLE_FILES = ['layers/**/*.ts', 'streams/**/*.ts', 'ioc-server/src/**/*.ts'];

// Where console.* stays allowed inside those packages: tests, benchmarks and one-off scripts print to
// the terminal on purpose, and the server entry point prints the demo credentials at start-up
// (ARCHITECTURE.md, "Access"). Anything else needs an inline disable with a reason.
const CONSOLE_ALLOWED_FILES = [
  '**/*.spec.ts',
  '**/test/**',
  '**/tests/**',
  '**/scripts/**',
  'bench/**',
  'ioc-server/src/server.ts',
];

const UNUSED_VARS_OPTIONS = {
  args: 'after-used',
  argsIgnorePattern: '^_',
  varsIgnorePattern: '^_',
  caughtErrorsIgnorePattern: '^_',
  destructuredArrayIgnorePattern: '^_',
  ignoreRestSiblings: true,
};

export default defineConfig(
  {
    name: 'ioc/ignores',
    ignores: [
      '**/node_modules/**',
      'ioc-web/.svelte-kit/**',
      'ioc-web/build/**',
      '**/.svelte-kit/**',
      '**/dist/**',
      '**/coverage/**',
      // Svelte components are checked by svelte-check (npm run typecheck).
      '**/*.svelte',
      // Data folders (embedded database, imports, test output) — see .gitignore.
      'data/**',
      '.data/**',
      '**/.data/**',
      'test-results/**',
      'artifacts/**',
    ],
  },
  {
    name: 'ioc/javascript',
    files: ['**/*.{js,mjs,cjs,ts,mts,cts}'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      'no-unused-vars': ['error', UNUSED_VARS_OPTIONS],
    },
  },
  {
    name: 'ioc/commonjs',
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    name: 'ioc/typescript',
    files: ['**/*.{ts,mts,cts}'],
    extends: [tseslint.configs.recommended],
    rules: {
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': ['error', UNUSED_VARS_OPTIONS],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    name: 'ioc/web-browser-globals',
    files: ['ioc-web/**/*.{js,ts}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // STYLE.md: no `any` in the shared contract.
    name: 'ioc/layers-no-any',
    files: ['layers/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    name: 'ioc/no-console',
    files: NO_CONSOLE_FILES,
    ignores: CONSOLE_ALLOWED_FILES,
    rules: { 'no-console': 'error' },
  },
);
