import { parsePolicyYaml, type PolicyDocument } from '@gatehouse/domain';
import { caseFailure, decide, parsePolicyTestFile, type PolicyTestCase } from './policy-tests';

const TENANT = '0b7e3a52-8d4f-4c1e-9a6b-2f1d3c4e5a6b';

function document(yaml: string): PolicyDocument {
  const parsed = parsePolicyYaml(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.document;
}

const documents = new Map<string, PolicyDocument>([
  [
    'global',
    document(`apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global }
spec:
  access:
    denyModels: { models: [demo-embed] }
    sourceIps: { ranges: [10.0.0.0/8], mode: monitor }
`),
  ],
  [
    `tenant:${TENANT}`,
    document(`apiVersion: gatehouse/v1
kind: Policy
metadata: { name: "tenant:${TENANT}" }
spec:
  access:
    hours: { windows: [{ days: [mon, tue, wed, thu, fri], from: "08:00", to: "19:00" }] }
`),
  ],
]);

/** Monday 2 June 2025. */
const mondayAt = (utc: string) => `2025-06-02T${utc}Z`;
const request = (fields: Partial<PolicyTestCase['request']>): PolicyTestCase['request'] => ({
  timeZone: 'UTC',
  keyMetadata: {},
  clientIp: '10.1.2.3',
  at: mondayAt('10:00:00'),
  ...fields,
});

describe('policy test cases', () => {
  it("decides with the documents of the request's scopes, as the gateway does", () => {
    expect(decide(documents, request({ model: 'demo-chat' })).decision).toBe('allow');
    expect(decide(documents, request({ model: 'demo-embed' }))).toEqual({
      decision: 'deny',
      findings: [{ policy: 'global', rule: 'access.denyModels', message: "the model 'demo-embed' may not be called" }],
    });
    expect(decide(documents, request({ model: 'demo-chat', clientIp: '192.0.2.1' }))).toMatchObject({
      decision: 'monitor',
      findings: [{ policy: 'global', rule: 'access.sourceIps' }],
    });
    // The tenant's hours apply only to the tenant's calls, in the tenant's time zone.
    const evening = request({ model: 'demo-chat', at: mondayAt('18:30:00') });
    expect(decide(documents, evening).decision).toBe('allow');
    expect(decide(documents, { ...evening, tenantId: TENANT }).decision).toBe('allow');
    expect(decide(documents, { ...evening, tenantId: TENANT, timeZone: 'Europe/Paris' })).toMatchObject({
      decision: 'deny',
      findings: [{ policy: `tenant:${TENANT}`, rule: 'access.hours' }],
    });
  });

  it('passes a case only when the decision, and the rule and document it names, are those expected', () => {
    const denied = decide(documents, request({ model: 'demo-embed' }));
    const entry = (fields: Partial<PolicyTestCase>): PolicyTestCase => ({
      name: 'x',
      request: request({}),
      expect: 'deny',
      ...fields,
    });
    expect(caseFailure(entry({}), denied)).toBeNull();
    expect(caseFailure(entry({ rule: 'access.denyModels', policy: 'global' }), denied)).toBeNull();
    expect(caseFailure(entry({ rule: 'access.hours' }), denied)).toBe(
      "expected deny by access.hours, got deny (global access.denyModels: the model 'demo-embed' may not be called)",
    );
    expect(caseFailure(entry({ policy: `tenant:${TENANT}` }), denied)).toMatch(/^expected deny of tenant:/);
    expect(caseFailure(entry({ expect: 'allow' }), denied)).toMatch(/^expected allow, got deny \(global/);
    expect(caseFailure(entry({}), { decision: 'allow', findings: [] })).toBe('expected deny, got allow');
  });

  it('reads a test file, and names the path and line of each of its problems', () => {
    const good = parsePolicyTestFile(`policies: [../policies]
cases:
  - name: embeddings are refused
    request: { model: demo-embed, at: "2025-06-02T09:30:00+02:00", timeZone: Europe/Paris }
    expect: deny
    rule: access.denyModels
`);
    expect(good).toMatchObject({
      ok: true,
      spec: { cases: [{ request: { model: 'demo-embed', timeZone: 'Europe/Paris', keyMetadata: {} } }] },
    });

    const bad = parsePolicyTestFile(`policies: [a.yaml]
cases:
  - name: one
    request: { model: demo-chat, timeZone: Mars/Olympus, at: yesterday }
    expect: refuse
  - name: two
    request: { clientIp: 10.0.0.0/8 }
    expect: allow
    rule: access.hours
    severity: high
`);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toEqual(
      expect.arrayContaining([
        { field: 'cases[0].request.at', reason: expect.stringMatching(/ISO 8601/), line: 4 },
        { field: 'cases[0].request.timeZone', reason: expect.stringMatching(/IANA/), line: 4 },
        { field: 'cases[0].expect', reason: expect.any(String), line: 5 },
        { field: 'cases[1].request.clientIp', reason: expect.stringMatching(/address/), line: 7 },
        { field: 'cases[1].severity', reason: expect.stringMatching(/Unrecognized key/), line: 10 },
      ]),
    );
    expect(parsePolicyTestFile('cases: [\n').ok).toBe(false);
  });
});
