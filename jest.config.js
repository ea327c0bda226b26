// One jest run covers every project: unit tests of the libs, API tests of the apps, tests of the bench harness and
// of the Helm chart.
const { readFileSync } = require('node:fs');
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace('/', '\\/')}$`] = `<rootDir>/${target}`;
}

const ESM_PACKAGES = '/node_modules/(puppeteer-core|@puppeteer/browsers|chromium-bidi)/';

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/bench', '<rootDir>/helm'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }],
    // puppeteer-core (the web console's browser tests) ships ES modules only: compiled to CommonJS like the tests.
    [`${ESM_PACKAGES}.+\\.js$`]: ['@swc/jest', { ...swc, jsc: { ...swc.jsc, parser: { syntax: 'ecmascript' } }, sourceMaps: false, swcrc: false }],
  },
  transformIgnorePatterns: [`/node_modules/(?!${ESM_PACKAGES.slice('/node_modules/'.length)})`],
  moduleNameMapper,
  testTimeout: 20000,
  reporters: ['default', '<rootDir>/tools/jest-summary-reporter.js'],
};
