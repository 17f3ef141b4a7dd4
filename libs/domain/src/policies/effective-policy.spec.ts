import {
  type AccessFacts,
  effectivePolicy,
  effectiveRules,
  evaluateAccess,
  piiDecision,
  piiEntitiesOf,
  type VersionedPolicy,
} from './effective-policy';
import { type AccessRules, type PolicyDocument, type PolicyMode } from './policy-document';

const TENANT = '0b7e3a52-8d4f-4c1e-9a6b-2f1d3c4e5a6b';

function policy(
  name: string,
  access: AccessRules,
  mode: PolicyMode = 'enforce',
  pii?: PolicyDocument['spec']['pii'],
): VersionedPolicy {
  const document: PolicyDocument = {
    apiVersion: 'gatehouse/v1',
    kind: 'Policy',
    metadata: { name },
    mode,
    spec: { access, ...(pii === undefined ? {} : { pii }) },
  };
  return { document, version: 1 };
}

/** Wednesday 2026-03-04 12:00 in Paris (11:00 UTC). */
const WEDNESDAY_NOON_PARIS = Date.parse('2026-03-04T11:00:00Z');

function facts(overrides: Partial<AccessFacts> = {}): AccessFacts {
  return {
    model: 'demo-chat',
    clientIp: '10.1.2.3',
    now: WEDNESDAY_NOON_PARIS,
    timeZone: 'Europe/Paris',
    keyMetadata: {},
    ...overrides,
  };
}

describe('effective policy', () => {
  it('keeps a global deny whatever the tenant allows: a tenant tightens, never loosens', () => {
    const effective = effectivePolicy([
      policy(`tenant:${TENANT}`, { allowModels: { models: ['demo-chat', 'demo-embed'] } }),
      policy('global', { denyModels: { models: ['demo-embed'] } }),
    ]);
    expect(effective.sources.map((source) => source.policy)).toEqual(['global', `tenant:${TENANT}`]);
    expect(evaluateAccess(effective.access, facts({ model: 'demo-embed' })).refusal).toMatchObject({
      source: { policy: 'global', rule: 'access.denyModels', mode: 'enforce' },
      message: "the model 'demo-embed' may not be called",
    });
    expect(evaluateAccess(effective.access, facts()).refusal).toBeNull();
    // The tenant narrows further: its allow list refuses what the global policy lets through.
    expect(evaluateAccess(effective.access, facts({ model: 'demo-other' })).refusal?.source).toMatchObject({
      policy: `tenant:${TENANT}`,
      rule: 'access.allowModels',
    });
  });

  it('reports a monitored rule without refusing, and a monitor-mode tenant cannot weaken an enforced global rule', () => {
    const effective = effectivePolicy([
      policy('global', { denyModels: { models: ['demo-embed'] } }),
      policy(`tenant:${TENANT}`, { denyModels: { models: ['demo-chat', 'demo-embed'] } }, 'monitor'),
    ]);
    const chat = evaluateAccess(effective.access, facts());
    expect(chat.refusal).toBeNull();
    expect(chat.monitored).toEqual([
      expect.objectContaining({ source: expect.objectContaining({ policy: `tenant:${TENANT}`, mode: 'monitor' }) }),
    ]);
    expect(evaluateAccess(effective.access, facts({ model: 'demo-embed' })).refusal?.source.policy).toBe('global');
  });

  it('admits and refuses at the edges of IPv4 and IPv6 ranges, IPv4-mapped addresses included', () => {
    const { access } = effectivePolicy([
      policy('global', { sourceIps: { ranges: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'] } }),
    ]);
    const allowed = (clientIp: string | null) => evaluateAccess(access, facts({ clientIp })).refusal === null;
    expect(allowed('10.0.0.0')).toBe(true);
    expect(allowed('10.255.255.255')).toBe(true);
    expect(allowed('11.0.0.0')).toBe(false);
    expect(allowed('9.255.255.255')).toBe(false);
    expect(allowed('::ffff:10.0.0.1')).toBe(true);
    expect(allowed('192.0.2.7')).toBe(true);
    expect(allowed('192.0.2.8')).toBe(false);
    expect(allowed('2001:db8::')).toBe(true);
    expect(allowed('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(allowed('2001:db9::')).toBe(false);
    expect(allowed(null)).toBe(false);
    expect(evaluateAccess(access, facts({ clientIp: '11.0.0.0' })).refusal?.message).toBe(
      'calls from 11.0.0.0 are not allowed',
    );
  });

  it('admits from the first minute of a window and refuses from its end, in the tenant zone', () => {
    const { access } = effectivePolicy([
      policy('global', { hours: { windows: [{ days: ['wed'], from: '09:00', to: '18:00' }] } }),
    ]);
    const at = (iso: string, timeZone = 'Europe/Paris') =>
      evaluateAccess(access, facts({ now: Date.parse(iso), timeZone })).refusal === null;
    // Paris is UTC+1 in March: 09:00 local is 08:00 UTC, 18:00 local is 17:00 UTC.
    expect(at('2026-03-04T07:59:59Z')).toBe(false);
    expect(at('2026-03-04T08:00:00Z')).toBe(true);
    expect(at('2026-03-04T16:59:59Z')).toBe(true);
    expect(at('2026-03-04T17:00:00Z')).toBe(false);
    // The same instants on the tenant's own clock elsewhere: Tokyo's Wednesday 09:00 is 00:00 UTC.
    expect(at('2026-03-04T00:00:00Z', 'Asia/Tokyo')).toBe(true);
    expect(at('2026-03-04T08:00:00Z', 'Asia/Tokyo')).toBe(true);
    expect(at('2026-03-04T09:00:00Z', 'Asia/Tokyo')).toBe(false);
    // Thursday in Paris is outside every window.
    expect(at('2026-03-05T10:00:00Z')).toBe(false);
    expect(evaluateAccess(access, facts({ now: Date.parse('2026-03-04T17:00:00Z') })).refusal?.message).toBe(
      'calls are not allowed at this time (wed 18:00, Europe/Paris)',
    );
  });

  it('requires key metadata labels, one value or any of a list', () => {
    const { access } = effectivePolicy([policy('global', { keyMetadata: { labels: { team: ['search', 'ads'] } } })]);
    expect(evaluateAccess(access, facts({ keyMetadata: { team: 'ads' } })).refusal).toBeNull();
    expect(evaluateAccess(access, facts({ keyMetadata: { team: 'billing' } })).refusal?.message).toBe(
      "the API key's metadata label 'team' must be one of 'search', 'ads'",
    );
    expect(evaluateAccess(access, facts()).refusal?.source.rule).toBe('access.keyMetadata');
  });

  it('applies no model rule to a call without a model (an HTTP product)', () => {
    const { access } = effectivePolicy([policy('global', { allowModels: { models: ['demo-chat'] } })]);
    expect(evaluateAccess(access, facts({ model: null })).refusal).toBeNull();
  });

  it('lists the rules for people in the order a call meets them, each with its document, mode and settings', () => {
    const rules = effectiveRules([
      policy(
        `tenant:${TENANT}`,
        { denyModels: { models: ['demo-chat'] }, sourceIps: { ranges: ['10.0.0.0/8'] } },
        'monitor',
      ),
      policy('global', {
        hours: { windows: [{ days: ['mon'], from: '09:00', to: '17:00' }] },
        denyModels: { models: ['x'], mode: 'monitor' },
      }),
    ]);
    expect(rules.map(({ policy: name, rule, mode }) => `${rule} ${name} ${mode}`)).toEqual([
      'access.denyModels global monitor',
      `access.denyModels tenant:${TENANT} monitor`,
      `access.sourceIps tenant:${TENANT} monitor`,
      'access.hours global enforce',
    ]);
    expect(rules[0]).toEqual({
      policy: 'global',
      version: 1,
      rule: 'access.denyModels',
      mode: 'monitor',
      settings: { models: ['x'] },
    });
  });

  it('settles each PII entity across scopes: the stricter action wins, monitored rules only report', () => {
    const { piiInput } = effectivePolicy([
      policy(`tenant:${TENANT}`, {}, 'enforce', { input: { action: 'block', entities: ['CREDIT_CARD'] } }),
      policy('global', {}, 'enforce', { input: { action: 'log' } }),
      policy('product:demo', {}, 'monitor', { input: { action: 'redact', entities: ['EMAIL', 'CREDIT_CARD'] } }),
    ]);
    expect(piiEntitiesOf(piiInput)).toEqual([
      'EMAIL',
      'PHONE',
      'CREDIT_CARD',
      'IBAN',
      'IP_ADDRESS',
      'US_SSN',
      'SECRET',
    ]);
    // The tenant tightens the platform's log to a block; the product's monitored redact is weaker: not reported.
    const card = piiDecision(piiInput, 'CREDIT_CARD');
    expect(card.act).toMatchObject({ action: 'block', source: { policy: `tenant:${TENANT}`, rule: 'pii.input' } });
    expect(card.monitored).toEqual([]);
    // An email: logged by the global rule, and the monitored product rule would have redacted it.
    const email = piiDecision(piiInput, 'EMAIL');
    expect(email.act).toMatchObject({ action: 'log', source: { policy: 'global' } });
    expect(email.monitored.map((rule) => rule.source.policy)).toEqual(['product:demo']);
    // No rule of a tenant can loosen a global block.
    const strict = effectivePolicy([
      policy('global', {}, 'enforce', { input: { action: 'block', entities: ['SECRET'] } }),
      policy(`tenant:${TENANT}`, {}, 'enforce', { input: { action: 'log', entities: ['SECRET'] } }),
    ]);
    expect(piiDecision(strict.piiInput, 'SECRET').act?.action).toBe('block');
    expect(piiDecision(strict.piiInput, 'PHONE')).toEqual({ act: null, monitored: [] });
  });
});
