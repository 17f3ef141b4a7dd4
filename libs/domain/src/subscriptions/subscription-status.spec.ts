import {
  canTransition,
  grantsAccess,
  InvalidSubscriptionTransitionError,
  transition,
  withArticle,
} from './subscription-status';

describe('subscription state machine', () => {
  it.each([
    ['PENDING', 'APPROVED'],
    ['PENDING', 'REJECTED'],
    ['APPROVED', 'REVOKED'],
    ['APPROVED', 'EXPIRED'],
    ['APPROVED', 'SUPERSEDED'],
  ] as const)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(transition(from, to)).toBe(to);
  });

  it.each([
    ['PENDING', 'REVOKED'],
    ['PENDING', 'EXPIRED'],
    ['APPROVED', 'PENDING'],
    ['APPROVED', 'REJECTED'],
    ['REJECTED', 'APPROVED'],
    ['REVOKED', 'APPROVED'],
    ['EXPIRED', 'APPROVED'],
    ['PENDING', 'SUPERSEDED'],
    ['REJECTED', 'SUPERSEDED'],
    ['REVOKED', 'SUPERSEDED'],
    ['EXPIRED', 'SUPERSEDED'],
    ['SUPERSEDED', 'APPROVED'],
    ['SUPERSEDED', 'REVOKED'],
    ['SUPERSEDED', 'EXPIRED'],
    ['SUPERSEDED', 'SUPERSEDED'],
  ] as const)('refuses %s → %s with a message naming both states', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    expect(() => transition(from, to)).toThrow(InvalidSubscriptionTransitionError);
    expect(() => transition(from, to)).toThrow(`${from.toLowerCase()} subscription cannot become ${to.toLowerCase()}`);
  });

  it('names a state with the right article', () => {
    expect(() => transition('APPROVED', 'PENDING')).toThrow('An approved subscription cannot become pending');
    expect(() => transition('SUPERSEDED', 'APPROVED')).toThrow('A superseded subscription cannot become approved');
    expect(withArticle('approved')).toBe('an approved');
    expect(withArticle('pending')).toBe('a pending');
  });

  it('grants access only while approved and unexpired', () => {
    const now = new Date('2026-01-15T12:00:00Z');
    expect(grantsAccess('APPROVED', null, now)).toBe(true);
    expect(grantsAccess('APPROVED', new Date('2026-01-15T12:00:01Z'), now)).toBe(true);
    expect(grantsAccess('APPROVED', new Date('2026-01-15T12:00:00Z'), now)).toBe(false);
    expect(grantsAccess('PENDING', null, now)).toBe(false);
    expect(grantsAccess('REVOKED', null, now)).toBe(false);
    expect(grantsAccess('SUPERSEDED', null, now)).toBe(false);
  });
});
