const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'worker', rootDir: __dirname, testMatch: ['**/*.spec.ts'] };
