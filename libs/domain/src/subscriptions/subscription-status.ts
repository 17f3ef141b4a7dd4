/**
 * The subscription state machine: a request waits for an admin (or is approved at once by an
 * auto-approve plan); an approved grant can later be revoked by an admin, expire, or be superseded by
 * the approval of a plan change (the new grant takes over in the same transaction). Rejected, revoked,
 * expired and superseded are final: a tenant that wants access again makes a new request.
 */
export const SubscriptionStatus = {
  Pending: 'PENDING',
  Approved: 'APPROVED',
  Rejected: 'REJECTED',
  Revoked: 'REVOKED',
  Expired: 'EXPIRED',
  Superseded: 'SUPERSEDED',
} as const;

export type SubscriptionStatus = (typeof SubscriptionStatus)[keyof typeof SubscriptionStatus];

const transitions: Record<SubscriptionStatus, readonly SubscriptionStatus[]> = {
  PENDING: ['APPROVED', 'REJECTED'],
  APPROVED: ['REVOKED', 'EXPIRED', 'SUPERSEDED'],
  REJECTED: [],
  REVOKED: [],
  EXPIRED: [],
  SUPERSEDED: [],
};

export function canTransition(from: SubscriptionStatus, to: SubscriptionStatus): boolean {
  return transitions[from].includes(to);
}

export class InvalidSubscriptionTransitionError extends Error {
  constructor(
    readonly from: SubscriptionStatus,
    readonly to: SubscriptionStatus,
  ) {
    super(`${capitalize(withArticle(from.toLowerCase()))} subscription cannot become ${to.toLowerCase()}`);
    this.name = 'InvalidSubscriptionTransitionError';
  }
}

/** Returns `to`, or throws when the state machine does not allow the move. */
export function transition(from: SubscriptionStatus, to: SubscriptionStatus): SubscriptionStatus {
  if (!canTransition(from, to)) throw new InvalidSubscriptionTransitionError(from, to);
  return to;
}

/** Whether a subscription grants access at `now`: approved and not past its expiry. */
export function grantsAccess(status: SubscriptionStatus, expiresAt: Date | null, now: Date): boolean {
  return status === 'APPROVED' && (expiresAt === null || expiresAt.getTime() > now.getTime());
}

/** `word` with its indefinite article ("a pending", "an approved"), for messages about a status. */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
