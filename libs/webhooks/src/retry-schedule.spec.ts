import { attemptOutcome, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAYS_SECONDS } from './retry-schedule';

describe('attemptOutcome', () => {
  const now = new Date('2026-06-01T00:00:00.000Z');

  it('marks a success delivered, whatever the attempt', () => {
    expect(attemptOutcome(3, null, false, now)).toEqual({ status: 'DELIVERED', nextAttemptAt: null, deliveredAt: now });
  });

  it('schedules the next attempt after the delay of the attempt that failed', () => {
    expect(attemptOutcome(0, 'the receiver answered 500', false, now)).toEqual({
      status: 'PENDING',
      nextAttemptAt: new Date('2026-06-01T00:00:30.000Z'),
      deliveredAt: null,
    });
    expect(attemptOutcome(1, 'timeout', false, now).nextAttemptAt).toEqual(new Date('2026-06-01T00:02:00.000Z'));
  });

  it('gives up after the last attempt, or at once on a permanent error', () => {
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(WEBHOOK_RETRY_DELAYS_SECONDS.length + 1);
    const last = WEBHOOK_MAX_ATTEMPTS - 1;
    expect(attemptOutcome(last - 1, 'timeout', false, now).status).toBe('PENDING');
    expect(attemptOutcome(last, 'timeout', false, now)).toEqual({
      status: 'FAILED',
      nextAttemptAt: null,
      deliveredAt: null,
    });
    expect(attemptOutcome(0, 'the webhook has no secret', true, now).status).toBe('FAILED');
  });
});
