/**
 * The policy documents of the gateway benchmark's policy run: global, `product:demo` and the benchmark tenant's,
 * every access rule the benchmark's calls can be checked against, each with 20 entries, all of which the calls pass
 * (so the run measures the evaluation, not refusals). Written straight into the benchmark's own database as admin-api
 * would save them, then announced on the invalidation channel, as admin-api does after a change.
 */
import { type InvalidationMessage } from '@gatehouse/contracts';
import { createPrismaClient } from '@gatehouse/db';
import { effectivePolicy, effectiveRules, parsePolicyYaml, type VersionedPolicy } from '@gatehouse/domain';
import { InvalidationPublisher, RedisKeys } from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { ExternalGuardrails } from '../../apps/gateway/src/guardrails/external-guardrails';
import { DEFAULT_REQUEST_LIMITS_OPTIONS } from '../../apps/gateway/src/limits/limits.options';
import { RequestContext } from '../../apps/gateway/src/pipeline/request-context';
import { PolicyStage } from '../../apps/gateway/src/pipeline/stages/policy.stage';
import { PolicyIndex } from '../../apps/gateway/src/policies/gateway-policies';

const ENTRIES = 20;
const list = (make: (index: number) => string) => Array.from({ length: ENTRIES }, (_, index) => make(index + 1));

/** Models the calls never ask for, then (allow lists) the one they do, last: every entry is looked at. */
const denied = list((i) => `bench-denied-${i}`).join(', ');
const allowed = [...list((i) => `bench-allowed-${i}`).slice(1), 'demo-chat'].join(', ');
/** Unrelated ranges first (IPv4 and IPv6), the loopback ranges the benchmark calls from last. */
const ranges = [
  ...list((i) => (i % 2 === 0 ? `10.${i}.0.0/16` : `2001:db8:${i.toString(16)}::/48`)).slice(2),
  '127.0.0.0/8',
  '::1/128',
]
  .map((range) => `"${range}"`)
  .join(', ');
/** Twenty windows that together cover the whole week, so that any time of the run passes. */
const windows = [
  ...['00:00-08:00', '08:00-16:00', '16:00-24:00'].flatMap((span) =>
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((day) => ({ day, span })),
  ),
  { day: 'sun', span: '00:00-12:00' },
  { day: 'sun', span: '12:00-24:00' },
]
  .map(({ day, span }) => {
    const [from, to] = span.split('-');
    return `        - { days: [${day}], from: "${from}", to: "${to}" }`;
  })
  .join('\n');

function document(name: string, extra = ''): string {
  return `apiVersion: gatehouse/v1
kind: Policy
metadata:
  name: "${name}"
  description: gateway benchmark, every rule passes
spec:
  access:
    denyModels: { models: [${denied}${extra}] }
    allowModels: { models: [${allowed}] }
    sourceIps: { ranges: [${ranges}] }
    hours:
      windows:
${windows}
`;
}

export interface BenchPolicies {
  /** Rules of the effective policy of the benchmark tenant's calls to `demo`. */
  rules: number;
  /** Entries (models, ranges, windows) across those rules. */
  entries: number;
}

/**
 * Puts the three documents in force for the tenant and announces them. `demo-embed` is denied by the global
 * document, so a call of it tells that the gateway has them (`403 policy_access_denied`).
 */
export async function publishBenchPolicies(
  databaseUrl: string,
  redis: Redis,
  keyPrefix: string,
  tenantId: string,
): Promise<BenchPolicies> {
  const texts = [
    { name: 'global', yaml: document('global', ', demo-embed'), scope: 'GLOBAL' as const },
    { name: 'product:demo', yaml: document('product:demo'), scope: 'PRODUCT' as const },
    { name: `tenant:${tenantId}`, yaml: document(`tenant:${tenantId}`), scope: 'TENANT' as const },
  ];
  const versioned: VersionedPolicy[] = texts.map(({ name, yaml }) => {
    const parsed = parsePolicyYaml(yaml);
    if (!parsed.ok) throw new Error(`bench policy ${name} is invalid: ${JSON.stringify(parsed.problems)}`);
    return { document: parsed.document, version: 1 };
  });
  await putBenchDocuments(databaseUrl, redis, keyPrefix, texts);
  const rules = effectiveRules(versioned);
  const effective = effectivePolicy(versioned).access;
  const entries =
    [...effective.denyModels, ...effective.allowModels].reduce((sum, rule) => sum + rule.value.size, 0) +
    effective.sourceIps.reduce((sum, rule) => sum + rule.value.length, 0) +
    effective.hours.reduce((sum, rule) => sum + rule.value.length, 0);
  return { rules: rules.length, entries };
}

/**
 * Writes documents straight into the benchmark's database as admin-api would save them (each version 1, in force),
 * then announces them on the invalidation channel, as admin-api does after a change.
 */
export async function putBenchDocuments(
  databaseUrl: string,
  redis: Redis,
  keyPrefix: string,
  texts: readonly { name: string; yaml: string; scope: 'GLOBAL' | 'PRODUCT' | 'TENANT' }[],
): Promise<void> {
  const db = createPrismaClient({ url: databaseUrl, applicationName: 'gatehouse-bench', maxConnections: 1 });
  try {
    const product = await db.product.findUniqueOrThrow({ where: { slug: 'demo' }, select: { id: true } });
    for (const { name, yaml, scope } of texts) {
      const tenantId = scope === 'TENANT' ? name.slice('tenant:'.length) : null;
      const policy = await db.policy.create({
        data: { name, scope, tenantId, productId: scope === 'PRODUCT' ? product.id : null },
      });
      await db.policyVersion.create({ data: { policyId: policy.id, version: 1, mode: 'ENFORCE', yaml } });
      await db.policy.update({ where: { id: policy.id }, data: { activeVersion: 1 } });
    }
  } finally {
    await db.$disconnect();
  }
  await announce(redis, keyPrefix);
}

/** Takes the documents out of force again, so that the runs after this one are not checked against them. */
export async function clearBenchPolicies(databaseUrl: string, redis: Redis, keyPrefix: string): Promise<void> {
  const db = createPrismaClient({ url: databaseUrl, applicationName: 'gatehouse-bench', maxConnections: 1 });
  try {
    await db.policy.updateMany({ data: { activeVersion: null } });
    await db.policyVersion.deleteMany({});
    await db.policy.deleteMany({});
  } finally {
    await db.$disconnect();
  }
  await announce(redis, keyPrefix);
}

async function announce(redis: Redis, keyPrefix: string): Promise<void> {
  const message: InvalidationMessage = { kind: 'policy', name: 'global', tenantId: null };
  await new InvalidationPublisher(redis, new RedisKeys(keyPrefix)).publish(message);
}

/**
 * A `PolicyStage` of this process with `documents` in force, as a gateway has them after a load (the effective
 * policies are built at the first call). The benchmark's documents name no external guardrail service, so its pool
 * is never used.
 */
export function inProcessPolicyStage(documents: ReadonlyMap<string, VersionedPolicy>): PolicyStage {
  const index = new PolicyIndex(documents);
  const policies = { peek: () => index, current: () => Promise.resolve(index) };
  return new PolicyStage(
    policies as unknown as ConstructorParameters<typeof PolicyStage>[0],
    DEFAULT_REQUEST_LIMITS_OPTIONS,
    new ExternalGuardrails({ allowLoopback: false }),
  );
}

/**
 * The policy stage alone, in this process: `PolicyStage.access` for one warm call of the benchmark tenant to
 * `demo-chat` from loopback, with the same documents in force (the effective policy already built, as on every
 * call but the first after a change). The median of rounds of CPU time (`process.cpuUsage`) per call, in µs:
 * unlike the difference of two throughput runs, other work on the machine barely moves it.
 */
export function policyStageMicros(tenantId: string): number {
  const documents = new Map<string, VersionedPolicy>();
  for (const [name, yaml] of [
    ['global', document('global', ', demo-embed')],
    ['product:demo', document('product:demo')],
    [`tenant:${tenantId}`, document(`tenant:${tenantId}`)],
  ] as const) {
    const parsed = parsePolicyYaml(yaml);
    if (!parsed.ok) throw new Error(`bench policy ${name} is invalid`);
    documents.set(name, { document: parsed.document, version: 1 });
  }
  const stage = inProcessPolicyStage(documents);
  const context = new RequestContext('bench', 0, '127.0.0.1');
  context.key = { tenantId, tenantTimeZone: 'Europe/Paris' } as unknown as typeof context.key;
  context.entitlement = { productSlug: 'demo' } as unknown as typeof context.entitlement;
  const rounds: number[] = [];
  const calls = 20_000;
  for (let round = 0; round < 15; round++) {
    const started = process.cpuUsage();
    for (let i = 0; i < calls; i++) {
      const decision = stage.access(context, 'demo-chat');
      if (decision instanceof Promise || !decision.allowed) throw new Error('the benchmark call was refused');
    }
    const used = process.cpuUsage(started);
    rounds.push((used.user + used.system) / calls);
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(rounds.length / 2)] ?? 0;
}
