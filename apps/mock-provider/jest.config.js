const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'mock-provider', rootDir: __dirname, testMatch: ['**/*.spec.ts'] };
