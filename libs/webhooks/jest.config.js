const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'webhooks', rootDir: __dirname, testMatch: ['**/*.spec.ts'] };
