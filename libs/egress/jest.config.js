const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'egress', rootDir: __dirname, testMatch: ['**/*.spec.ts'] };
