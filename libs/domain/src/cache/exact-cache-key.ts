import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/audit-chain';
import { type LlmEndpoint } from '../limits/token-estimate';

/**
 * The exact response cache's key and its admission rule. Two requests share a key only when the upstream would be
 * asked the same question in the same way: same tenant (or key, when the policy scopes the cache to keys), product,
 * public model, endpoint, and every body parameter that can change the answer, compared as canonical JSON.
 */

/** Who may see an entry: a whole tenant (`keyId: null`) or one of its keys. Never shared across tenants. */
export interface CacheScope {
  tenantId: string;
  keyId: string | null;
}

export interface ExactCacheKeyInput {
  scope: CacheScope;
  productId: string;
  /** The public model the client asked for (the alias), not the upstream model a route picked. */
  model: string;
  endpoint: LlmEndpoint;
  /** The request body as the protocol adapter validated it (JSON: objects, arrays, strings, numbers, booleans, null). */
  body: Record<string, unknown>;
}

/**
 * Top-level body fields left out of the key because they never change the answer's text:
 *
 * - `user`, `safety_identifier`: an end-user id for the provider's abuse monitoring. (A cache scoped per end user
 *   would be a policy choice; it is not what these fields are for.)
 * - `metadata`: OpenAI's tags for stored completions, Anthropic's `metadata.user_id`: bookkeeping only.
 * - `stream`, `stream_options`: how the answer is delivered. A cached answer is replayed as a stream when the
 *   request streams, and the gateway always asks the upstream for usage itself.
 * - `store`: whether OpenAI keeps the completion for evals and distillation: retention, not content.
 * - `service_tier`: latency and price class (OpenAI's and Anthropic's), the same model answering.
 * - `prompt_cache_key`, `prompt_cache_retention`: hints for the provider's own prompt cache, which by contract
 *   returns what an uncached call would.
 *
 * Everything else stays in, unknown fields included: a parameter this list does not know is assumed to matter, so
 * a new provider parameter can only split the cache, never merge two different answers.
 */
export const ANSWER_NEUTRAL_FIELDS: readonly string[] = [
  'user',
  'safety_identifier',
  'metadata',
  'stream',
  'stream_options',
  'store',
  'service_tier',
  'prompt_cache_key',
  'prompt_cache_retention',
];

const NEUTRAL = new Set(ANSWER_NEUTRAL_FIELDS);

/** Bumped when the canonical form changes, so entries written under the old rule can never be read as hits. */
const KEY_VERSION = 'exact-v1';

/**
 * The key of a request in the exact cache: lower-case hex SHA-256 (64 characters) of its canonical JSON, the audit
 * chain's: keys sorted at every depth, no whitespace, numbers as `JSON.stringify` writes them (`1.0` and `1e0` are
 * both `1`). So two bodies that parse to the same JSON value get the same key, whatever their key order, spacing
 * or number spelling.
 */
export function exactCacheKey(input: ExactCacheKeyInput): string {
  // fromEntries defines own properties, so a body field named `__proto__` is kept as data, like any other.
  const answerFields = Object.fromEntries(Object.entries(input.body).filter(([name]) => !NEUTRAL.has(name)));
  const canonical = canonicalJson({
    version: KEY_VERSION,
    tenantId: input.scope.tenantId,
    keyId: input.scope.keyId,
    productId: input.productId,
    model: input.model,
    endpoint: input.endpoint,
    body: answerFields,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** What a policy allows into the cache (the policy's cache section; absent fields are the defaults). */
export interface CacheabilityRules {
  /** Cache requests that offer tools. Off by default: a tool call may have side effects the client expects to run. */
  allowTools?: boolean;
  /** The highest sampling temperature cached; absent: any. A request without `temperature` counts as 1. */
  maxTemperature?: number;
}

export type NotCacheableReason = 'tools_offered' | 'temperature_above_limit' | 'several_choices';

export type Cacheability = { cacheable: true } | { cacheable: false; reason: NotCacheableReason; message: string };

/** OpenAI's and Anthropic's default sampling temperature, which applies when a request sets none. */
const DEFAULT_TEMPERATURE = 1;

/**
 * Whether a request may be answered from, and stored in, the cache under `rules`. Embeddings always may: they are
 * deterministic. A chat or messages request may not when it offers tools the model may call (unless allowed), when
 * its temperature is above the policy's limit, or when it asks for several choices (`n` or `best_of` above 1:
 * the client wants different answers, and replaying one set would hand every later caller the same "samples").
 */
export function isCacheable(
  endpoint: LlmEndpoint,
  body: Record<string, unknown>,
  rules: CacheabilityRules = {},
): Cacheability {
  if (endpoint === 'embeddings') return { cacheable: true };
  if (!rules.allowTools && offersTools(body)) {
    return { cacheable: false, reason: 'tools_offered', message: 'the request offers tools the model may call' };
  }
  const temperature = typeof body['temperature'] === 'number' ? body['temperature'] : DEFAULT_TEMPERATURE;
  if (rules.maxTemperature !== undefined && temperature > rules.maxTemperature) {
    return {
      cacheable: false,
      reason: 'temperature_above_limit',
      message: `temperature ${temperature} is above the cache's limit of ${rules.maxTemperature}`,
    };
  }
  for (const field of ['n', 'best_of']) {
    const count = body[field];
    if (typeof count === 'number' && count > 1) {
      return { cacheable: false, reason: 'several_choices', message: `${field} is ${count}: several answers asked` };
    }
  }
  return { cacheable: true };
}

/**
 * Tools the model may call: a non-empty `tools` (or OpenAI's older `functions`) list that `tool_choice` /
 * `function_call` does not switch off (`"none"`, or Anthropic's `{ "type": "none" }`). Past tool calls and their
 * results in the conversation are plain input: they are part of the key.
 */
function offersTools(body: Record<string, unknown>): boolean {
  const hasTools = nonEmptyArray(body['tools']) || nonEmptyArray(body['functions']);
  if (!hasTools) return false;
  return !(isNone(body['tool_choice']) || (!nonEmptyArray(body['tools']) && isNone(body['function_call'])));
}

function nonEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function isNone(choice: unknown): boolean {
  if (choice === 'none') return true;
  return typeof choice === 'object' && choice !== null && (choice as Record<string, unknown>)['type'] === 'none';
}
