const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'admin-api', rootDir: __dirname, testMatch: ['**/*.spec.ts'] };
