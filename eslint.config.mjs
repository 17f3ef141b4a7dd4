// typescript-eslint strict, with type information for the rules that need it (floating promises, misused
// promises), and Prettier deciding layout.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.next/**',
      '**/.nx/**',
      '**/coverage/**',
      'libs/db/src/generated/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      'apps/portal/next-env.d.ts',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@gatehouse/*/*'], message: 'Import a lib through its public @gatehouse/<lib> entry point.' },
            { group: ['**/libs/*/src/*'], message: 'Import a lib through its @gatehouse/<lib> alias.' },
          ],
        },
      ],
    },
  },
  prettier,
);
