import fc from 'fast-check';
import { type LlmEndpoint } from '../limits/token-estimate';
import { canonicalJson } from '../audit/audit-chain';
import { ANSWER_NEUTRAL_FIELDS, exactCacheKey, type ExactCacheKeyInput, isCacheable } from './exact-cache-key';

const chat = {
  model: 'demo-chat',
  messages: [
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: 'What is the capital of France?' },
  ],
  temperature: 0,
  max_tokens: 50,
};

function input(body: Record<string, unknown>, patch: Partial<ExactCacheKeyInput> = {}): ExactCacheKeyInput {
  return {
    scope: { tenantId: 'tenant-a', keyId: null },
    productId: 'product-1',
    model: 'demo-chat',
    endpoint: 'chat.completions',
    body,
    ...patch,
  };
}

/** JSON text of `value` with its object keys in an order drawn from `order` and whitespace drawn from `spaces`. */
function scrambledJson(value: unknown, order: () => number, spaces: () => string): string {
  if (value === null || typeof value !== 'object') return `${spaces()}${JSON.stringify(value)}${spaces()}`;
  if (Array.isArray(value)) {
    return `${spaces()}[${value.map((item) => scrambledJson(item, order, spaces)).join(',')}]${spaces()}`;
  }
  const names = Object.keys(value)
    .map((name) => ({ name, rank: order() }))
    .sort((left, right) => left.rank - right.rank)
    .map(({ name }) => name);
  const members = names.map(
    (name) =>
      `${spaces()}${JSON.stringify(name)}${spaces()}:${scrambledJson((value as Record<string, unknown>)[name], order, spaces)}`,
  );
  return `${spaces()}{${members.join(',')}}${spaces()}`;
}

/** A stream of values from a fast-check-drawn array, cycled. */
function cycle<T>(values: T[], fallback: T): () => T {
  let index = 0;
  return () => (values.length === 0 ? fallback : (values[index++ % values.length] ?? fallback));
}

const body = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 });
const whitespace = fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r\n  '), { minLength: 1, maxLength: 16 });
const ranks = fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 16 });
const answerField = fc.string({ minLength: 1, maxLength: 12 }).filter((name) => !ANSWER_NEUTRAL_FIELDS.includes(name));

describe('exactCacheKey', () => {
  it('is a 64-character hex SHA-256, the same for the same request', () => {
    const key = exactCacheKey(input(chat));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(exactCacheKey(input(structuredClone(chat)))).toBe(key);
  });

  it('never changes with key order, whitespace or number spelling (property)', () => {
    fc.assert(
      fc.property(body, ranks, whitespace, (value, order, spaces) => {
        const text = scrambledJson(value, cycle(order, 0), cycle(spaces, ''));
        const reparsed = JSON.parse(text) as Record<string, unknown>;
        expect(exactCacheKey(input(reparsed))).toBe(exactCacheKey(input(value)));
      }),
      { numRuns: 300 },
    );
    const spelled = JSON.parse('{"temperature": 1.0, "top_p": 1e-1, "max_tokens": 5.00E1}') as Record<string, unknown>;
    expect(exactCacheKey(input(spelled))).toBe(exactCacheKey(input({ max_tokens: 50, top_p: 0.1, temperature: 1 })));
  });

  it('changes when any answer-changing field changes (property)', () => {
    fc.assert(
      fc.property(body, answerField, fc.jsonValue(), fc.jsonValue(), (value, field, before, after) => {
        fc.pre(canonicalJson(before) !== canonicalJson(after));
        expect(exactCacheKey(input({ ...value, [field]: before }))).not.toBe(
          exactCacheKey(input({ ...value, [field]: after })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('changes when a field is added or removed, even as null', () => {
    expect(exactCacheKey(input({ ...chat, seed: null }))).not.toBe(exactCacheKey(input(chat)));
    expect(exactCacheKey(input({ ...chat, future_parameter: true }))).not.toBe(exactCacheKey(input(chat)));
  });

  it.each([
    ['the last message', { messages: [chat.messages[0], { role: 'user', content: 'What is the capital of Spain?' }] }],
    ['the system prompt', { messages: [{ role: 'system', content: 'Answer at length.' }, chat.messages[1]] }],
    ['the temperature', { temperature: 0.2 }],
    ['max_tokens', { max_tokens: 51 }],
    ['the seed', { seed: 7 }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f' } }] }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['logprobs', { logprobs: true }],
  ])('changes with %s', (_name, patch) => {
    expect(exactCacheKey(input({ ...chat, ...patch }))).not.toBe(exactCacheKey(input(chat)));
  });

  it('does not change with the fields that do not change the answer', () => {
    const key = exactCacheKey(input(chat));
    const noise = {
      user: 'end-user-42',
      safety_identifier: 'hash',
      metadata: { team: 'x' },
      stream: true,
      stream_options: { include_usage: true },
      store: true,
      service_tier: 'flex',
      prompt_cache_key: 'k',
      prompt_cache_retention: '24h',
    };
    expect(Object.keys(noise).sort()).toEqual([...ANSWER_NEUTRAL_FIELDS].sort());
    expect(exactCacheKey(input({ ...chat, ...noise }))).toBe(key);
  });

  it('keeps a nested field of a neutral name: only top-level fields are left out', () => {
    const withUser = { ...chat, response_format: { type: 'json_schema', json_schema: { user: 1 } } };
    const withOther = { ...chat, response_format: { type: 'json_schema', json_schema: { user: 2 } } };
    expect(exactCacheKey(input(withUser))).not.toBe(exactCacheKey(input(withOther)));
  });

  it('separates tenants, keys, products, models and endpoints', () => {
    const key = exactCacheKey(input(chat));
    const others: Partial<ExactCacheKeyInput>[] = [
      { scope: { tenantId: 'tenant-b', keyId: null } },
      { scope: { tenantId: 'tenant-a', keyId: 'key-1' } },
      { productId: 'product-2' },
      { model: 'other-chat' },
      { endpoint: 'completions' satisfies LlmEndpoint },
    ];
    const keys = others.map((patch) => exactCacheKey(input(chat, patch)));
    expect(new Set([key, ...keys]).size).toBe(others.length + 1);
  });

  it('keeps a field named __proto__ as data', () => {
    const first = JSON.parse('{"__proto__": {"a": 1}}') as Record<string, unknown>;
    const second = JSON.parse('{"__proto__": {"a": 2}}') as Record<string, unknown>;
    expect(exactCacheKey(input(first))).not.toBe(exactCacheKey(input(second)));
  });
});

describe('isCacheable', () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: {} } }];

  it('caches embeddings whatever the rules', () => {
    expect(isCacheable('embeddings', { model: 'e', input: 'x' }, { maxTemperature: 0 })).toEqual({ cacheable: true });
  });

  it('caches a plain chat request under the default rules', () => {
    expect(isCacheable('chat.completions', chat)).toEqual({ cacheable: true });
  });

  it('refuses a request that offers tools unless the rules allow them', () => {
    expect(isCacheable('chat.completions', { ...chat, tools })).toMatchObject({
      cacheable: false,
      reason: 'tools_offered',
    });
    expect(isCacheable('messages', { ...chat, tools: [{ name: 'get_weather', input_schema: {} }] })).toMatchObject({
      reason: 'tools_offered',
    });
    expect(isCacheable('chat.completions', { ...chat, functions: [{ name: 'f' }] })).toMatchObject({
      reason: 'tools_offered',
    });
    expect(isCacheable('chat.completions', { ...chat, tools }, { allowTools: true })).toEqual({ cacheable: true });
  });

  it('caches a request whose tools cannot be called, or whose tool list is empty', () => {
    expect(isCacheable('chat.completions', { ...chat, tools, tool_choice: 'none' })).toEqual({ cacheable: true });
    expect(isCacheable('messages', { ...chat, tools, tool_choice: { type: 'none' } })).toEqual({ cacheable: true });
    expect(isCacheable('chat.completions', { ...chat, tools: [] })).toEqual({ cacheable: true });
    expect(isCacheable('chat.completions', { ...chat, functions: [{ name: 'f' }], function_call: 'none' })).toEqual({
      cacheable: true,
    });
  });

  it('refuses a temperature above the limit, counting a missing one as 1', () => {
    expect(isCacheable('chat.completions', { ...chat, temperature: 0.7 }, { maxTemperature: 0.5 })).toMatchObject({
      cacheable: false,
      reason: 'temperature_above_limit',
      message: "temperature 0.7 is above the cache's limit of 0.5",
    });
    expect(isCacheable('chat.completions', { ...chat, temperature: 0.5 }, { maxTemperature: 0.5 })).toEqual({
      cacheable: true,
    });
    const { temperature: _temperature, ...withoutTemperature } = chat;
    expect(isCacheable('messages', withoutTemperature, { maxTemperature: 0.5 })).toMatchObject({
      reason: 'temperature_above_limit',
    });
    expect(isCacheable('messages', { ...chat, temperature: 2 })).toEqual({ cacheable: true });
  });

  it('refuses several choices', () => {
    expect(isCacheable('chat.completions', { ...chat, n: 2 })).toMatchObject({ reason: 'several_choices' });
    expect(isCacheable('completions', { prompt: 'x', best_of: 3 })).toMatchObject({ reason: 'several_choices' });
    expect(isCacheable('chat.completions', { ...chat, n: 1 })).toEqual({ cacheable: true });
  });
});
