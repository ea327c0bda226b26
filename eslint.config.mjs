import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import { createProjectGraphAsync } from 'nx/src/devkit-exports.js';
import tseslint from 'typescript-eslint';

// The module-boundaries rule reads Nx's project graph (the projects of the project.json files, their imports through
// the paths of tsconfig.base.json) from Nx's cache, and is skipped when there is none: the graph is brought up to
// date here first, so a fresh clone lints like a working copy. Without the daemon unless asked for.
process.env.NX_DAEMON ??= 'false';
await createProjectGraphAsync({ exitOnError: true });

/**
 * The dependency rule of docs/architecture.md: what a project of each scope tag may import. Nothing imports an app
 * (the rule refuses that by itself).
 */
const DOMAIN = ['scope:domain', 'scope:contracts', 'scope:ports'];
const ENGINE_API = ['scope:engine', ...DOMAIN];
const BELOW_WIRING = [
  'scope:service',
  'scope:reporting',
  'scope:routing',
  'scope:transport',
  'scope:integration',
  'scope:observability',
  'scope:config',
  'scope:adapters',
  ...ENGINE_API,
];
const MAY_IMPORT = {
  'scope:domain': [],
  'scope:contracts': ['scope:domain'],
  'scope:ports': ['scope:domain', 'scope:contracts'],
  'scope:engine': DOMAIN,
  'scope:adapters': DOMAIN,
  'scope:reporting': DOMAIN,
  'scope:routing': DOMAIN,
  'scope:transport': ENGINE_API,
  'scope:integration': ['scope:transport', ...ENGINE_API],
  'scope:observability': [],
  'scope:config': [],
  'scope:service': ['scope:transport', 'scope:integration', 'scope:observability', 'scope:reporting', 'scope:routing', ...ENGINE_API],
  'scope:wiring': BELOW_WIRING,
  'scope:app': ['scope:wiring', 'scope:config', 'scope:observability'],
  'scope:testing': ['scope:wiring', ...BELOW_WIRING],
};

/**
 * Tests and their support (libs/testing, `test/` folders) may import any lib, test clients, contract suites and
 * real adapters included, to set up and observe what they test; never an app.
 */
const TESTS = ['**/*.spec.ts', '**/test/**/*.ts', 'libs/testing/**/*.ts'];
const ANY_LIB = ['scope:testing', ...MAY_IMPORT['scope:testing']];

const moduleBoundaries = (mayImport) => [
  'error',
  {
    depConstraints: Object.keys(MAY_IMPORT).map((sourceTag) => ({ sourceTag, onlyDependOnLibsWithTags: mayImport(sourceTag) })),
    // Libs' tests import libs/testing, which imports the libs it tests: those cycles, and only those, run through it.
    ignoredCircularDependencies: [['testing', '*']],
    // An app's main imports the tracing start of these statically and the rest of them once tracing runs.
    checkDynamicDependenciesExceptions: ['wiring', 'observability'],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
      '@nx/enforce-module-boundaries': moduleBoundaries((sourceTag) => MAY_IMPORT[sourceTag]),
      // The domain's test clock and ids are for tests only: production code takes the real ones from the wiring.
      'no-restricted-imports': ['error', { paths: [{ name: '@ocs/chat-domain/testing', message: 'test clock and ids are for tests only' }] }],
    },
  },
  { files: TESTS, rules: { '@nx/enforce-module-boundaries': moduleBoundaries(() => ANY_LIB), 'no-restricted-imports': 'off' } },
);
