import { DEFAULT_BODY_RETENTION_DAYS, effectiveLogging, effectivePolicy, effectiveRules } from './effective-policy';
import { type LoggingRules, type PolicyDocument } from './policy-document';
import { parsePolicyYaml } from './policy-yaml';

const TENANT = '0b7e3a52-8d4f-4c1e-9a6b-2f1d3c4e5a6b';

function withLogging(name: string, logging: LoggingRules) {
  const document: PolicyDocument = {
    apiVersion: 'gatehouse/v1',
    kind: 'Policy',
    metadata: { name },
    mode: 'enforce',
    spec: { logging },
  };
  return { document, version: 1 };
}

describe('logging rules (stored bodies)', () => {
  it('reads a logging section, and names the path and line of a bad one', () => {
    const parsed = parsePolicyYaml(`apiVersion: gatehouse/v1
kind: Policy
metadata: { name: "tenant:${TENANT}" }
spec:
  logging: { bodies: true, retentionDays: 14 }
`);
    expect(parsed).toMatchObject({ ok: true, document: { spec: { logging: { bodies: true, retentionDays: 14 } } } });

    const bad = parsePolicyYaml(`apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global }
spec:
  logging:
    bodies: "yes"
    retentionDays: 365
    headers: true
`);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems.map((problem) => [problem.field, problem.line])).toEqual(
      expect.arrayContaining([
        ['spec.logging.bodies', 6],
        ['spec.logging.retentionDays', 7],
        ['spec.logging.headers', 8],
      ]),
    );
  });

  it('stores no bodies and keeps the default retention without a logging section', () => {
    expect(effectivePolicy([]).logging).toEqual({ bodies: false, retentionDays: DEFAULT_BODY_RETENTION_DAYS });
    expect(effectiveLogging([undefined, { retentionDays: 30 }])).toEqual({ bodies: false, retentionDays: 30 });
  });

  it('stores bodies when a scope turns them on and none turns them off, for the shortest retention set', () => {
    expect(effectiveLogging([undefined, undefined, { bodies: true }]).bodies).toBe(true);
    expect(
      effectiveLogging([
        { bodies: true, retentionDays: 30 },
        { bodies: true, retentionDays: 3 },
      ]),
    ).toEqual({
      bodies: true,
      retentionDays: 3,
    });
    // A platform or product `false` is a floor no tenant lifts, and a tenant's `false` overrides the platform's on.
    expect(effectiveLogging([{ bodies: false }, undefined, { bodies: true }]).bodies).toBe(false);
    expect(effectiveLogging([{ bodies: true }, undefined, { bodies: false }]).bodies).toBe(false);
    expect(effectiveLogging([{ retentionDays: 2 }, { bodies: true, retentionDays: 60 }])).toEqual({
      bodies: true,
      retentionDays: 2,
    });
  });

  it('combines the documents in any order, and shows the logging section among the effective rules', () => {
    const documents = [withLogging(`tenant:${TENANT}`, { bodies: true }), withLogging('global', { retentionDays: 10 })];
    expect(effectivePolicy(documents).logging).toEqual({ bodies: true, retentionDays: 10 });
    expect(effectiveRules(documents).filter((rule) => rule.rule === 'logging')).toEqual([
      { policy: 'global', version: 1, rule: 'logging', mode: 'enforce', settings: { retentionDays: 10 } },
      { policy: `tenant:${TENANT}`, version: 1, rule: 'logging', mode: 'enforce', settings: { bodies: true } },
    ]);
  });
});
