// E2E tier: black-box tests against a whole stack that the global setup starts on its own ports,
// database and Redis prefix (see support/stack.ts), so it never collides with a `npm start` stack.
const preset = require('../jest.preset');

module.exports = {
  ...preset,
  rootDir: __dirname,
  displayName: 'e2e',
  // The browser specs (browser/*.e2e-spec.ts) included: they drive the portal of the same stack.
  testMatch: ['**/*.e2e-spec.ts'],
  // Node, plus the current test's outcome for afterEach hooks: browser tests keep a screenshot when they fail.
  testEnvironment: '<rootDir>/support/browser-environment.ts',
  globalSetup: '<rootDir>/support/global-setup.ts',
  globalTeardown: '<rootDir>/support/global-teardown.ts',
  testTimeout: 60_000,
};
