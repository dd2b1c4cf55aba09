import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers (DESIGN §2): gateway -> bridges -> (core, mapping). Each block below covers the
 * gateway too, because a later `no-restricted-imports` replaces an earlier one for its files.
 * test/unit/lint/layering.test.ts shows each rule failing on a deliberate violation.
 */
const noGateway = {
  group: ['../../gateway/*', '../gateway/*'],
  message: 'core and bridges must not import the gateway',
};

/** The adapter folders under src/bridges; each is self-contained. */
const adapters = ['discord', 'slack', 'irc', 'matrix'];

/** Adapter isolation: an adapter imports the bridge contracts, never a sibling or the runtime. */
const adapterBlocks = adapters.map((net) => ({
  files: [`src/bridges/${net}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          noGateway,
          {
            regex: `^(\\.\\./)+(bridges/)?(${adapters.filter((n) => n !== net).join('|')})(/|$)`,
            message:
              'an adapter never imports another adapter; share code through src/bridges/{types,errors,format,net,memo}',
          },
          {
            // The runtime calls adapters through AdapterComponents; adapters never reach back.
            regex: '^(\\.\\./)+(bridges/)?runtime(/|$)',
            message:
              'an adapter does not import the bridge runtime; it gets what it needs injected',
          },
          {
            regex: '^(\\.\\./)+mapping(/|$)',
            message: 'an adapter does not import src/mapping; the runtime resolves links and ids',
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      '.peers/**',
      'stubs/**',
      'coverage/**',
      'dist/**',
      '.dist-*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: [noGateway] }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/bridges/**', '**/mapping/**', '**/gateway/**'],
              message: 'core imports nothing of the project outside core (DESIGN §2)',
            },
          ],
        },
      ],
    },
  },
  ...adapterBlocks,
  {
    files: ['src/mapping/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+core(/|$)',
              allowTypeImports: true,
              message: 'mapping imports only types from core (`import type`)',
            },
            {
              regex: '^(\\.\\./)+(bridges|gateway)(/|$)',
              message: 'mapping sits below bridges and the gateway and imports neither',
            },
          ],
        },
      ],
    },
  },
);
