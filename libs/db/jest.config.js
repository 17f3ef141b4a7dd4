const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'db', rootDir: __dirname, testMatch: ['**/*.spec.ts'] };
