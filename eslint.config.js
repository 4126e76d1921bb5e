import tseslint from 'typescript-eslint';
import { shapeConfigs } from './eslint.shape.js';

export default tseslint.config(
  { ignores: ['**/*.mjs', '**/dist/**', '**/node_modules/**', '.data/**', 'coverage/**', '**/*.js', 'bench/results/**', 'web/**'] },
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.eslint.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...shapeConfigs,
);
