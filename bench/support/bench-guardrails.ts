/**
 * The guardrail runs of the gateway benchmark (issue 15): every built-in input detector on a 4 KB prompt (PII of
 * every entity, prompt injection, an input deny list, all in `log`, so the calls go through and the run measures
 * the detectors, not refusals), and the output rules on streamed answers (PII redaction and an output deny list,
 * whose hold-back is what could delay the first token).
 */
import { parsePolicyYaml, type VersionedPolicy } from '@gatehouse/domain';
import { type Redis } from 'ioredis';
import { openAiProtocol } from '../../apps/gateway/src/pipeline/protocols/openai/openai.protocol';
import { RequestContext } from '../../apps/gateway/src/pipeline/request-context';
import { inProcessPolicyStage, putBenchDocuments } from './bench-policies';

const PARAGRAPHS = [
  'Our quarterly review covers the migration of the billing service to the new cluster, the incidents of the last ' +
    'ninety days and the plan for the next release. The team closed 214 tickets, shipped version 4.12.3 on March 3 ' +
    'and cut the median checkout latency from 840 ms to 310 ms.',
  'Please summarise the following notes for the steering committee. Keep the figures, drop the names of people, ' +
    'and end with the three decisions we need from them. The order numbers in the appendix (for example 2024-0815-' +
    '7731) refer to the purchasing system and need no explanation.',
  'Incident 1: the nightly export stalled for two hours because a disk filled up on the reporting host. We added ' +
    'an alert at 80 percent and a retention job. Incident 2: a configuration change doubled the retry rate of the ' +
    'payment client; it was rolled back within twenty minutes.',
  'Questions from the support desk can go to support@example.com or +44 20 7946 0958 during office hours. The ' +
    'vendor contract renews on 2027-01-31 and the price list attached to it is version 2.3.',
  'Next quarter we want to move the search index to the managed service, retire the legacy reporting database ' +
    'and run a disaster recovery drill for the order pipeline, with a target of restoring service within one hour.',
];

/** A prompt of 4,096 bytes: plain business text with the numbers, dates and versions detectors must not take. */
export const GUARDRAIL_PROMPT: string = (() => {
  let text = '';
  for (let index = 0; Buffer.byteLength(text) < 4_096; index++) {
    text += `${PARAGRAPHS[index % PARAGRAPHS.length]}\n\n`;
  }
  return text.slice(0, 4_096);
})();

/** Twenty deny patterns of the kinds people write: code names, internal hosts, identifiers. */
const DENY_PATTERNS = Array.from({ length: 20 }, (_, index) =>
  index % 2 === 0 ? `(?i)project[ -]falcon-${index}` : `internal-host-${index}\\.corp\\.example`,
);

/**
 * The input rules: every detector, each in `log`. The document also denies `demo-embed`, the model the
 * benchmark's probe calls to tell that the gateway has the documents in force.
 */
export const GUARDRAIL_INPUT_YAML = `apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global, description: "gateway benchmark: every input detector in log" }
spec:
  access: { denyModels: [demo-embed] }
  pii:
    input: { action: log }
  injection: { action: log, threshold: 0.5 }
  denyList:
    action: log
    input: [${DENY_PATTERNS.map((pattern) => JSON.stringify(pattern)).join(', ')}]
`;

/** The output rules: PII redaction of every entity and an output deny list, on every streamed answer. */
export const GUARDRAIL_OUTPUT_YAML = `apiVersion: gatehouse/v1
kind: Policy
metadata: { name: global, description: "gateway benchmark: output rules on every answer" }
spec:
  access: { denyModels: [demo-embed] }
  pii:
    output: { action: redact }
  denyList:
    action: redact
    output: [${DENY_PATTERNS.map((pattern) => JSON.stringify(pattern)).join(', ')}]
`;

/** Puts one global document in force (the benchmark's others are cleared first by the caller). */
export function publishGuardrailDocument(
  databaseUrl: string,
  redis: Redis,
  keyPrefix: string,
  yaml: string,
): Promise<void> {
  return putBenchDocuments(databaseUrl, redis, keyPrefix, [{ name: 'global', yaml, scope: 'GLOBAL' }]);
}

/**
 * The input rules alone, in this process: `PolicyStage.input` for one call of the 4 KB prompt with every detector
 * in force (the effective policy already built, as on every call but the first after a change). The median of
 * rounds of CPU time per call, in µs, like the policy stage's figure.
 */
export function guardrailInputMicros(tenantId: string): number {
  const parsed = parsePolicyYaml(GUARDRAIL_INPUT_YAML);
  if (!parsed.ok) throw new Error(`the guardrail document is invalid: ${JSON.stringify(parsed.problems)}`);
  const documents = new Map<string, VersionedPolicy>([['global', { document: parsed.document, version: 1 }]]);
  const stage = inProcessPolicyStage(documents);
  const protocol = openAiProtocol('/v1/chat/completions', 4_096);
  const body = {
    model: 'demo-chat',
    messages: [
      { role: 'system', content: 'You are a careful assistant.' },
      { role: 'user', content: GUARDRAIL_PROMPT },
    ],
  };
  // `log` rewrites nothing, so one call read once is checked again and again as it came.
  const call = protocol.read(
    body,
    { 'content-length': String(Buffer.byteLength(JSON.stringify(body))) },
    { tenantId, requestId: 'bench' },
  );
  // Chat completions keep no state: their calls are read at once.
  if (call instanceof Promise) throw new Error('a chat completion was read asynchronously');
  const rounds: number[] = [];
  const calls = 500;
  for (let round = 0; round < 15; round++) {
    const started = process.cpuUsage();
    for (let i = 0; i < calls; i++) {
      const context = new RequestContext('bench', 0, '127.0.0.1');
      context.key = { tenantId, tenantTimeZone: 'Europe/Paris', keyMetadata: {} } as unknown as typeof context.key;
      context.entitlement = { productSlug: 'demo' } as unknown as typeof context.entitlement;
      const decision = stage.input(context, call);
      if (decision instanceof Promise || !decision.allowed) throw new Error('the benchmark call was refused');
    }
    const used = process.cpuUsage(started);
    rounds.push((used.user + used.system) / calls);
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(rounds.length / 2)] ?? 0;
}
