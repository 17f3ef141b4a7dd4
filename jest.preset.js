// Shared Jest settings for every tier. TypeScript is compiled by SWC (decorator metadata included, which
// Nest's dependency injection needs); `@gatehouse/*` imports resolve to the libs' sources.
const path = require('node:path');

const swcOptions = {
  swcrc: false,
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swcOptions] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@gatehouse/([a-z-]+)$': path.join(__dirname, 'libs/$1/src/index.ts'),
  },
  // The OTLP exporter loads `http` with `import()`, which Jest's CommonJS sandbox refuses: compiled, it is a require.
  transformIgnorePatterns: ['/node_modules/(?!@opentelemetry/otlp-exporter-base/)'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.next/'],
  testTimeout: 30_000,
};
