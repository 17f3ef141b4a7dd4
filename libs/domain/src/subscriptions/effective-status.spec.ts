import { effectiveStatus } from './effective-status';

describe('effectiveStatus', () => {
  const now = new Date('2026-03-01T00:00:00Z');

  it('reads an approved grant past its expiry as expired, at the exact instant too', () => {
    expect(effectiveStatus('APPROVED', new Date('2026-02-28T23:59:59Z'), now)).toBe('EXPIRED');
    expect(effectiveStatus('APPROVED', now, now)).toBe('EXPIRED');
  });

  it('keeps an approved grant without expiry, or not yet due, approved', () => {
    expect(effectiveStatus('APPROVED', null, now)).toBe('APPROVED');
    expect(effectiveStatus('APPROVED', new Date('2026-03-01T00:00:01Z'), now)).toBe('APPROVED');
  });

  it.each(['PENDING', 'REJECTED', 'REVOKED', 'EXPIRED'] as const)('leaves %s as stored', (status) => {
    expect(effectiveStatus(status, new Date('2020-01-01T00:00:00Z'), now)).toBe(status);
  });
});
