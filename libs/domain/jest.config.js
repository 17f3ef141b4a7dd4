const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'domain', rootDir: __dirname, testMatch: ['**/*.spec.ts'] };
