// E2E tier: black-box tests against a whole stack that the global setup starts on its own ports,
// database and Redis prefix (see support/stack.ts), so it never collides with a `npm start` stack.
const preset = require('../jest.preset');

module.exports = {
  ...preset,
  rootDir: __dirname,
  displayName: 'e2e',
  testMatch: ['**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/support/global-setup.ts',
  globalTeardown: '<rootDir>/support/global-teardown.ts',
  testTimeout: 60_000,
};
