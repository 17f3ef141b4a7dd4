// Integration tier: `*.int-spec.ts` files against the real Postgres and Redis. Each suite makes its own
// database and Redis key prefix (see libs/testing), so suites never see each other's data.
const preset = require('./jest.preset');

module.exports = {
  ...preset,
  rootDir: __dirname,
  displayName: 'integration',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/prisma'],
  testMatch: ['**/*.int-spec.ts'],
  testTimeout: 60_000,
};
