import { isUuid } from './uuid';

describe('isUuid', () => {
  it('accepts canonical UUIDs in either case', () => {
    expect(isUuid('0b6f3c1e-9d1a-4c7e-8f00-123456789abc')).toBe(true);
    expect(isUuid('0B6F3C1E-9D1A-4C7E-8F00-123456789ABC')).toBe(true);
  });

  it('rejects anything Postgres would refuse as a uuid', () => {
    for (const value of [
      '',
      'abc',
      '0b6f3c1e9d1a4c7e8f00123456789abc',
      "1' OR '1'='1",
      '0b6f3c1e-9d1a-4c7e-8f00-123456789abcd',
    ]) {
      expect(isUuid(value)).toBe(false);
    }
  });
});
