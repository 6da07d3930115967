// Lint rules: typescript-eslint's recommended set, plus the dependency direction from
// ARCHITECTURE.md (domain <- adapters <- orchestrator <- http <- main.ts) and no import cycles.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';

const adapters = ['ticketing', 'runners', 'store', 'github', 'fly', 'notify', 'config'];

/** One zone per layer: files in `target` may not import from `from`. */
const zones = [
  {
    target: './src/domain',
    from: ['./src/' + adapters.join(',./src/'), './src/orchestrator', './src/http', './src/main.ts']
      .join(',')
      .split(','),
  },
  ...adapters.map((name) => ({
    target: `./src/${name}`,
    from: ['./src/orchestrator', './src/http', './src/main.ts'],
  })),
  { target: './src/orchestrator', from: ['./src/http', './src/main.ts'] },
  { target: './src/http', from: ['./src/main.ts'] },
  // The in-run CLI runs inside a job, away from the orchestrator: it may use adapters, never
  // the orchestrator's state or HTTP surface.
  { target: './src/runner', from: ['./src/orchestrator', './src/http', './src/store', './src/main.ts'] },
  { target: './src', from: ['./test', './custom'] },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'test/fixtures/**', 'coverage/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read the environment only in src/config (loadConfig(env)) and src/main.ts.',
        },
      ],
    },
  },
  {
    files: [
      'src/config/**',
      'src/main.ts',
      'src/runner/cli.ts',
      'test/**',
      'scripts/**',
      'bench/**',
      '*.config.*',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
