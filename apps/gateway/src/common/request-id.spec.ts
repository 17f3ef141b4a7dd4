import { newRequestId, requestIdOf } from './request-id';

describe('request ids', () => {
  it('are req_ + 26 Crockford base32 characters that sort by time', () => {
    const earlier = newRequestId(1_700_000_000_000);
    const later = newRequestId(1_700_000_000_001);
    expect(earlier).toMatch(/^req_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(earlier.slice(0, 14) < later.slice(0, 14)).toBe(true);
    expect(newRequestId()).not.toBe(newRequestId());
  });

  it('echo a safe incoming x-request-id and replace an unsafe or repeated one', () => {
    expect(requestIdOf({ headers: { 'x-request-id': 'abc-123_x.y:z' } })).toBe('abc-123_x.y:z');
    for (const unsafe of ['a b', 'line\r\nbreak', '"quoted"', 'x'.repeat(129), '']) {
      expect(requestIdOf({ headers: { 'x-request-id': unsafe } })).toMatch(/^req_/);
    }
    expect(requestIdOf({ headers: { 'x-request-id': ['a', 'b'] as unknown as string } })).toMatch(/^req_/);
    expect(requestIdOf({ headers: {} })).toMatch(/^req_/);
  });
});
