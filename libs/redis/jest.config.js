const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'redis', rootDir: __dirname, testMatch: ['**/*.spec.ts'] };
