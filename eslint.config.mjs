// The linter `npm test` runs: typescript-eslint's recommended rules, no import cycles, and the
// layering of lib/ (a folder imports only the folders below it; see CONTRIBUTING.md).
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

// Bottom to top. lib/loadtest/ and the CLI stand beside the stack: they import only lib/contract/.
const LAYERS = ['contract', 'core', 'model', 'validation', 'azure', 'constructs', 'gitops', 'output', 'fleet'];
const above = layer => LAYERS.slice(LAYERS.indexOf(layer) + 1).map(l => `./lib/${l}`);
const ALL = [...LAYERS.map(l => `./lib/${l}`), './lib/loadtest', './lib/index.ts', './imports'];

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'dist/', 'imports/', '.readme-examples/', '.docs-examples/', 'docs/api/', 'lib/validation/props-schema.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })],
      // Parse .ts dependencies too: no-cycle follows only the files it parses.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', {
        zones: [
          ...LAYERS.map(l => ({ target: `./lib/${l}`, from: [...above(l), './lib/loadtest', './lib/cli.ts', './lib/index.ts'], message: `lib/${l}/ imports only the folders below it (${LAYERS.slice(0, LAYERS.indexOf(l)).join(', ') || 'none'})` })),
          { target: './lib/loadtest', from: ALL.filter(f => f !== './lib/contract' && f !== './lib/loadtest'), message: 'the load-testing side shares only lib/contract/ with the constructs' },
          { target: './lib/cli.ts', from: ALL.filter(f => f !== './lib/contract' && f !== './lib/loadtest'), message: 'the CLI loads only lib/loadtest/ and lib/contract/, never the construct tree or the CRD schemas' },
        ],
      }],
      // The code narrows `unknown` props and parsed JSON by hand; `any` marks those places.
      '@typescript-eslint/no-explicit-any': 'off',
      // CommonJS entry points (bin/, jest config, dynamic loads in tests) use require.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } } },
);
