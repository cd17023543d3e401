// ESLint flat config. The layering rules are the point: core/ is plain TypeScript that the CLI,
// the Electron main process and the tests all share, so it must never reach for Electron, React or
// the DOM; the renderer must never reach for Node or Electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const UI_PACKAGES = [
  'electron',
  'react',
  'react-dom',
  'react-dom/*',
  'zustand',
  'zustand/*',
  'recharts',
];

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: UI_PACKAGES.filter((name) => !name.endsWith('/*')).map((name) => ({
            name,
            message: 'core/ runs in the CLI and the main process: no Electron, React or UI code.',
          })),
          patterns: [
            {
              group: ['react-dom/*', 'zustand/*', '**/electron/**', '**/renderer/**'],
              message: 'core/ must not depend on the Electron or renderer layers.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement'].map(
          (name) => ({ name, message: 'core/ has no DOM: it runs in Node.' }),
        ),
      ],
    },
  },
  {
    // core/shared/ is the pure layer that the page, the main process and the rest of core share (a
    // rule the page needs is imported from here, never re-derived). It stays pure: no node:*, no
    // packages, nothing else of core, and no I/O or DOM globals; it imports only its own files.
    files: ['core/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              message:
                'core/shared/ imports only core/shared/: it must run in the page and in Node.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', 'fetch', 'window', 'document', 'navigator'].map(
          (name) => ({ name, message: 'core/shared/ is pure code: no I/O, Node or DOM globals.' }),
        ),
      ],
    },
  },
  {
    // The renderer runs in a sandboxed page: it reaches the main process only through the contract
    // (core/console/contract.ts, which has no runtime imports of its own), never Node or Electron.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'ws', 'ssh2', 'zod'].map((name) => ({
            name,
            message: 'The renderer has no Node or Electron: go through the console contract.',
          })),
          patterns: [
            {
              group: [
                'node:*',
                '**/electron/**',
                '**/core/**',
                // gitignore-style: a file is re-included only with its folder.
                '!**/core/console',
                '!**/core/console/contract.js',
                '!**/core/util',
                '!**/core/util/format-units.js',
                '!**/core/memcached',
                '!**/core/memcached/dialect.js',
                '!**/core/shared',
                '!**/core/shared/*.js',
              ],
              message:
                'The renderer may import from core/ only the shared layer (core/shared/), the console contract, the unit formatters and the dialect names.',
            },
          ],
        },
      ],
    },
  },
  {
    // The main process serves the renderer; it never imports the renderer's code.
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/renderer/**'], message: 'electron/ must not import renderer code.' },
          ],
          paths: ['react', 'react-dom', 'zustand', 'recharts'].map((name) => ({
            name,
            message: 'electron/ is the main process: no UI packages.',
          })),
        },
      ],
    },
  },
);
