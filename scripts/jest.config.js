const preset = require('../jest.preset');

module.exports = { ...preset, displayName: 'scripts', rootDir: __dirname, testMatch: ['**/*.spec.ts'] };
