// ESLint (flat config): typescript-eslint's recommended rules on every
// TypeScript file, and, where a promise can be dropped or misused, the
// type-aware rules that keep "no unhandled rejection" true. Formatting is
// Prettier's (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'docs/**', 'node_modules/**', '.ci-out/**', 'coverage/**', '**/*.cjs', '**/*.mjs', '**/*.js'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-console': 'error',
      'prefer-const': ['error', { destructuring: 'all', ignoreReadBeforeAssign: true }],
      // Finding control characters in names is what the name checks are for (RFC 6763 §4.1.1).
      'no-control-regex': 'off',
    },
  },
  {
    // Scripts, tests and benchmarks talk to a terminal.
    files: ['test/**', 'bench/**', 'scripts/**', 'examples/**', '*.config.ts'],
    rules: { 'no-console': 'off' },
  },
);
