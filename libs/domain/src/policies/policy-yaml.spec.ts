import { policyJsonSchema, policyScopeOf } from './policy-document';
import { parsePolicyYaml, policyLineAt } from './policy-yaml';

const TENANT = '0b7e3a52-8d4f-4c1e-9a6b-2f1d3c4e5a6b';

describe('parsePolicyYaml', () => {
  it('reads a valid document, with the document mode defaulting to enforce', () => {
    const parsed = parsePolicyYaml(`
apiVersion: gatehouse/v1
kind: Policy
metadata: { name: "tenant:${TENANT}" }
spec:
  access:
    denyModels: { models: [demo-embed] }
    sourceIps: { ranges: [10.0.0.0/8, "2001:db8::/32", 192.0.2.7], mode: monitor }
    hours:
      windows:
        - { days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00" }
    keyMetadata: { labels: { team: [search, ads] } }
`);
    expect(parsed).toMatchObject({
      ok: true,
      document: {
        mode: 'enforce',
        metadata: { name: `tenant:${TENANT}` },
        spec: { access: { denyModels: { models: ['demo-embed'] }, sourceIps: { mode: 'monitor' } } },
      },
    });
  });

  it('reads the short form of the list rules (the list alone) as the full one', () => {
    const parsed = parsePolicyYaml(`apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global }
spec:
  access:
    denyModels: [demo-embed]
    allowModels: [demo-chat, demo-embed]
    sourceIps: [10.0.0.0/8, "::1"]
`);
    expect(parsed).toMatchObject({
      ok: true,
      document: {
        spec: {
          access: {
            denyModels: { models: ['demo-embed'] },
            allowModels: { models: ['demo-chat', 'demo-embed'] },
            sourceIps: { ranges: ['10.0.0.0/8', '::1'] },
          },
        },
      },
    });
    const badRange = parsePolicyYaml(`apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global }
spec:
  access:
    sourceIps: [10.0.0.0/40]
`);
    expect(badRange).toMatchObject({ ok: false, problems: [{ field: 'spec.access.sourceIps[0]', line: 6 }] });
  });

  it('reads JSON too', () => {
    const parsed = parsePolicyYaml(
      JSON.stringify({ apiVersion: 'gatehouse/v1', kind: 'Policy', metadata: { name: 'global' }, spec: {} }),
    );
    expect(parsed.ok).toBe(true);
  });

  it('names the path and line of an unknown field, a wrong type and a bad value', () => {
    const parsed = parsePolicyYaml(`apiVersion: gatehouse/v1
kind: Policy
metadata:
  name: global
spec:
  access:
    denyModels:
      models: [demo-embed]
      severity: high
    sourceIps:
      ranges:
        - 10.0.0.0/8
        - 10.0.0.0/40
    hours:
      windows: "always"
`);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'spec.access.denyModels.severity', line: 9 }),
        expect.objectContaining({ field: 'spec.access.sourceIps.ranges[1]', line: 13 }),
        expect.objectContaining({ field: 'spec.access.hours.windows', line: 15 }),
      ]),
    );
    expect(parsed.problems.find((p) => p.field.endsWith('ranges[1]'))?.reason).toMatch(/CIDR/);
  });

  it('refuses sections the gateway does not enforce yet, rather than ignore them', () => {
    const parsed = parsePolicyYaml(`apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global }
spec:
  cache: { exact: { ttlSeconds: 60 } }
`);
    expect(parsed).toMatchObject({ ok: false, problems: [{ field: 'spec.cache', line: 5 }] });
  });

  it('reads the content rules: PII both ways with restore, injection with an external service, deny lists', () => {
    const parsed = parsePolicyYaml(`apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global }
spec:
  pii:
    input: { action: redact, entities: [EMAIL, IBAN], restore: true }
    output: { action: block, mode: monitor }
  injection:
    action: block
    threshold: 0.7
    external:
      url: https://guard.example.com/v1/check
      timeoutMs: 300
      headers: { Authorization: Bearer abc }
      request: { text: '{{text}}' }
      response: { flagged: /flagged, score: /score }
  denyList: { input: ['(?i)project\\s+falcon'], output: [secret-\\d+], action: redact }
`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.document.spec.pii?.input).toEqual({ action: 'redact', entities: ['EMAIL', 'IBAN'], restore: true });
    expect(parsed.document.spec.injection?.external?.failMode).toBe('closed');
    expect(parsed.document.spec.denyList?.output).toEqual(['secret-\\d+']);
  });

  it('names the field of each bad content rule: restore without redact, a bad pattern, a bad guardrail service', () => {
    const parsed = parsePolicyYaml(`apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global }
spec:
  pii:
    input: { action: log, entities: [EMAIL, PASSPORT], restore: true }
  injection:
    action: redact
    threshold: 1.5
    external: { url: 'ftp://guard', timeoutMs: 0, headers: { Host: x }, request: { q: 1 }, response: { flagged: flagged } }
  denyList: { input: ['a(?=b)', ''], action: block }
`);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const fields = parsed.problems.map((problem) => problem.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'spec.pii.input.entities[1]',
        'spec.injection.action',
        'spec.injection.threshold',
        'spec.injection.external.url',
        'spec.injection.external.timeoutMs',
        'spec.injection.external.headers.Host',
        'spec.injection.external.request',
        'spec.injection.external.response.flagged',
        'spec.denyList.input[0]',
        'spec.denyList.input[1]',
      ]),
    );
    const restore = parsePolicyYaml(`apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global }
spec:
  pii:
    input: { action: log, restore: true }
`);
    expect(restore).toMatchObject({ ok: false, problems: [{ field: 'spec.pii.input.restore', line: 6 }] });
  });

  it('reports YAML syntax errors and duplicate keys at their line, and refuses aliases', () => {
    const broken = parsePolicyYaml('apiVersion: gatehouse/v1\nkind: Policy\nmetadata: { name: global\n');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problems[0]?.line).toBeGreaterThanOrEqual(3);

    const duplicate = parsePolicyYaml('apiVersion: gatehouse/v1\nkind: Policy\nkind: Policy\n');
    expect(duplicate).toMatchObject({ ok: false, problems: [{ line: 3 }] });

    const aliased = parsePolicyYaml(`apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global }
spec:
  access:
    allowModels: &models { models: [a] }
    denyModels: *models
`);
    expect(aliased).toMatchObject({ ok: false, problems: [{ reason: expect.stringMatching(/aliases/) }] });
  });

  it('refuses names that are no scope, windows that end before they start, and empty documents', () => {
    for (const [text, field] of [
      ['apiVersion: gatehouse/v1\nkind: Policy\nmetadata: { name: "tenant:nope" }\nspec: {}', 'metadata.name'],
      [
        'apiVersion: gatehouse/v1\nkind: Policy\nmetadata: { name: global }\nspec:\n  access:\n    hours: { windows: [{ days: [sat], from: "18:00", to: "09:00" }] }',
        'spec.access.hours.windows[0].to',
      ],
      ['apiVersion: gatehouse/v2\nkind: Policy\nmetadata: { name: global }\nspec: {}', 'apiVersion'],
    ] as const) {
      const parsed = parsePolicyYaml(text);
      expect(parsed).toMatchObject({ ok: false, problems: [expect.objectContaining({ field })] });
    }
    expect(parsePolicyYaml('')).toMatchObject({ ok: false, problems: [{ reason: 'the document is empty' }] });
  });
});

describe('policyLineAt', () => {
  it('places a path of a valid document, or the deepest part of it the text has', () => {
    const text = `apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global }
spec:
  access:
    denyModels:
      models:
        - demo-chat
        - no-such-model
`;
    expect(policyLineAt(text, ['spec', 'access', 'denyModels', 'models', 1])).toBe(9);
    expect(policyLineAt(text, ['spec', 'access', 'allowModels', 'models', 0])).toBe(5);
  });
});

describe('policy names and schema', () => {
  it('tells the scope from the name', () => {
    expect(policyScopeOf('global')).toEqual({ kind: 'global' });
    expect(policyScopeOf('product:demo-chat')).toEqual({ kind: 'product', productSlug: 'demo-chat' });
    expect(policyScopeOf(`tenant:${TENANT}`)).toEqual({ kind: 'tenant', tenantId: TENANT });
    expect(policyScopeOf('tenant:')).toBeNull();
    expect(policyScopeOf('product:Bad_Slug')).toBeNull();
  });

  it('publishes the JSON Schema of the same rules, strict objects included', () => {
    const schema = policyJsonSchema() as {
      properties: Record<string, { additionalProperties?: unknown; properties?: Record<string, unknown> }>;
      additionalProperties?: unknown;
      required: string[];
    };
    expect(schema.required).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec']));
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties['spec']?.properties ?? {})).toEqual([
      'access',
      'validation',
      'pii',
      'injection',
      'denyList',
      'logging',
    ]);
  });
});
