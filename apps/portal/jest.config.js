// Unit tests of the portal's pure logic (`*.spec.ts` beside the code); pages and components are covered by the
// browser tests in e2e/browser.
const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'portal', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
