import { testDatabaseName } from './test-database';

describe('testDatabaseName', () => {
  it('prefixes, lower-cases and keeps only unquoted-identifier characters', () => {
    expect(testDatabaseName('API Key/Repository', 'abcd1234')).toBe('gatehouse_test_api_key_repository_abcd1234');
  });

  it('never yields the dev database name, even for an empty suite name', () => {
    expect(testDatabaseName('', 'abcd1234')).toBe('gatehouse_test_suite_abcd1234');
  });

  it('fits in a Postgres identifier (63 bytes)', () => {
    expect(testDatabaseName('x'.repeat(200)).length).toBeLessThanOrEqual(63);
  });

  it('differs between calls', () => {
    expect(testDatabaseName('same')).not.toBe(testDatabaseName('same'));
  });
});
