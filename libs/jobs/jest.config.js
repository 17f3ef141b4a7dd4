const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'jobs', rootDir: __dirname, testMatch: ['**/*.spec.ts'] };
