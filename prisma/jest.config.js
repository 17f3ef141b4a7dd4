// Unit tier for prisma/ (seed and drift helpers). The integration specs here run with jest.int.config.js.
const preset = require('../jest.preset');

module.exports = { ...preset, displayName: 'prisma', rootDir: __dirname, testMatch: ['**/*.spec.ts'] };
