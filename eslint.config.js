// Lint: typescript-eslint, plus the import boundaries of docs/architecture.md: imports point
// toward src/core, sources never import each other, nothing below the CLI imports it, no cycles.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const SOURCES = ['falco', 'tetragon', 'k8saudit', 'cloudtrail', 'vigil'];

/** Each zone: files under `target` may not import from `from`, except the `except` paths (relative to `from`). */
const zones = [
  { target: './src/core', from: './src', except: ['./core'], message: 'src/core imports nothing of the project: everything points toward it.' },
  { target: './src/transports', from: './src', except: ['./core', './transports'], message: 'transports know only core.' },
  { target: './src/lang', from: './src', except: ['./core', './lang'], message: 'the condition language knows nothing of sources or stages.' },
  ...SOURCES.map((k) => ({
    target: `./src/sources/${k}`,
    from: './src',
    except: ['./core', './lang', `./sources/${k}`],
    message: 'a source imports only core and the condition language (to declare its fields), never another source or a later stage.',
  })),
  { target: './src/rules', from: './src', except: ['./core', './lang', './sources', './rules'], message: 'the rule engine knows core, the language and the sources\' fields.' },
  { target: './src/pipeline', from: './src', except: ['./core', './sources', './transports', './rules', './pipeline'], message: 'the pipeline wires core, sources, transports and rules.' },
  { target: './src/baseline', from: './src', except: ['./core', './lang', './rules', './baseline'], message: 'baselines know core, the language and the rule sources\' fields.' },
  { target: './src/intel', from: './src', except: ['./core', './lang', './rules', './intel'], message: 'threat intelligence knows core, the language and the rule sources\' fields.' },
  { target: './src/correlate', from: './src', except: ['./core', './lang', './rules', './correlate'], message: 'correlation knows core, the language and the rule sources\' fields (for event steps).' },
  { target: './src/sim', from: './src', except: ['./core', './sim', './pipeline', './sources'], message: 'the simulator knows core, and the decoders (through the pipeline) to name its records\' ids.' },
  { target: './src/eval', from: './src', except: ['./core', './sim', './eval'], message: 'evaluation compares findings with the simulator\'s ground truth, nothing more.' },
  { target: './src/store', from: './src', except: ['./core', './store'], message: 'the store knows only core.' },
  { target: './src/service', from: './src', except: ['./core', './lang', './sources', './transports', './rules', './pipeline', './baseline', './intel', './correlate', './store', './service', './api'], message: 'the service wires every stage, the store and the API; never the CLI.' },
  { target: './src/api', from: './src', except: ['./core', './store', './service', './transports', './pipeline', './api'], message: 'the HTTP layer talks to the service and the store.' },
  { target: './src/demo', from: './src', except: ['./core', './pipeline', './sources', './demo'], message: 'the demo replays records through the HTTP API; it reads them with the decoders only.' },
  { target: './src/bench', from: './src/cli', message: 'nothing imports the CLI.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'ui/dist/**', 'coverage/**', 'test-artifacts/**', '.vigil/**', '.dbg/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })] },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-default-export': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
    },
  },
  {
    // Tests may reach across modules (e.g. a source's corpus test reads files through the pipeline).
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: { 'import-x/no-restricted-paths': 'off' },
  },
  {
    // The web UI: browser code whose only data source is the HTTP API, so it imports nothing of
    // the server. Pages are default exports for React.lazy, as is Vite's config.
    files: ['ui/**/*.ts', 'ui/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser }, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true, project: 'ui/tsconfig.json' })] },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-default-export': 'off',
      'no-restricted-syntax': 'off',
      'import-x/no-restricted-paths': ['error', { zones: [{ target: './ui', from: './src', message: 'the UI reads the HTTP API only; it imports nothing of the server.' }] }],
    },
  },
  {
    files: ['eslint.config.js'],
    rules: { 'import-x/no-default-export': 'off', 'no-restricted-syntax': 'off' },
  },
);
