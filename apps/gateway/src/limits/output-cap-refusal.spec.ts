import { type LimitBreach, type Refused } from '@gatehouse/redis';
import { outputCapRefusal } from './output-cap-refusal';

function refusedBy(...breaches: Partial<LimitBreach>[]): Refused {
  return {
    admitted: false,
    code: 'rate_limit_exceeded',
    retryAfterMs: null,
    retryable: false,
    rateLimits: { requests: null, tokens: null },
    monitored: [],
    degraded: null,
    refusedBy: breaches.map((breach) => ({
      scope: 'subscription',
      scopeId: 's1',
      limit: 'tpm',
      kind: 'rate',
      limitValue: 100_000,
      current: 100_000,
      requested: 500_100,
      retryAfterMs: null,
      neverFits: true,
      ...breach,
    })),
  };
}

const input = { tokens: 100, costMicros: 50n };

describe('a limits refusal caused by the output cap', () => {
  it('is a 400 naming the cap when the request can never fit though its input alone does', () => {
    expect(outputCapRefusal(refusedBy({}), 'max_tokens', 500_000, input)).toMatchObject({
      status: 400,
      code: 'invalid_request_error',
      param: 'max_tokens',
      message: expect.stringMatching(
        /^max_tokens: 500000 output tokens .* tokens per minute of your subscription \(100000\)/,
      ),
    });
    const quota = {
      limit: 'monthlyTokens',
      kind: 'quota',
      limitValue: 2_000_000,
      requested: 3_000_100,
      neverFits: false,
    } as const;
    expect(outputCapRefusal(refusedBy(quota), 'max_completion_tokens', 3_000_000, input)).toMatchObject({
      param: 'max_completion_tokens',
    });
    const budget = {
      limit: 'monthlyBudgetUsd',
      kind: 'quota',
      limitValue: 5_000_000,
      requested: 9_000_000,
      scope: 'tenant',
    } as const;
    expect(outputCapRefusal(refusedBy(budget), 'max_tokens', 1_000_000, input)?.message).toContain(
      'monthly budget of your organisation ($5)',
    );
  });

  it('stays a 429 when retrying can help, the client set no cap, or the input alone is too large', () => {
    expect(outputCapRefusal(refusedBy({ neverFits: false, requested: 5_000 }), 'max_tokens', 4_000, input)).toBeNull();
    expect(outputCapRefusal(refusedBy({}), null, 4_096, input)).toBeNull();
    expect(outputCapRefusal(refusedBy({}), 'max_tokens', 10, { tokens: 200_000, costMicros: 0n })).toBeNull();
    const usedUp = {
      limit: 'dailyTokens',
      kind: 'quota',
      limitValue: 200_000,
      requested: 5_000,
      current: 199_000,
    } as const;
    expect(outputCapRefusal(refusedBy(usedUp), 'max_tokens', 4_900, input)).toBeNull();
    expect(
      outputCapRefusal(refusedBy({ limit: 'concurrency', kind: 'concurrency' }), 'max_tokens', 10, input),
    ).toBeNull();
  });
});
