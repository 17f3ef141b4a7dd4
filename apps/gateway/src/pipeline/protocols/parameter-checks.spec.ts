import { GatewayError } from '../../common/gateway-error';
import { messagesRequestSchema } from './anthropic/anthropic-request';
import { chatCompletionRequestSchema, completionRequestSchema, embeddingRequestSchema } from './openai/openai-request';
import { parseRequestBody } from './parameter-checks';

/** A seeded generator, so that a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const REPLACEMENTS: unknown[] = [
  null,
  undefined,
  true,
  0,
  -1,
  2.5,
  1e12,
  '',
  'x',
  'user',
  'assistant',
  'tool',
  'tool_use',
  'tool_result',
  'text',
  'function',
  'call_1',
  'toolu_1',
  [],
  {},
  [{}],
  { type: 'text' },
  // Names of inherited properties, which a lookup by a client's string must not find.
  'constructor',
  'toString',
  '__proto__',
  { type: 'toString' },
];

/** `value` with one node somewhere inside it replaced, removed or added. */
function mutate(value: unknown, random: () => number): unknown {
  const pick = () => REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)];
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length > 0 && random() < 0.7) {
      const index = Math.floor(random() * copy.length);
      copy[index] = mutate(copy[index], random);
    } else copy.push(pick());
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = { ...value };
    const keys = Object.keys(copy);
    const key = keys[Math.floor(random() * keys.length)];
    if (key === undefined || random() < 0.1) copy['extra'] = pick();
    else if (random() < 0.4) copy[key] = pick();
    else copy[key] = mutate(copy[key], random);
    return copy;
  }
  return pick();
}

const valid = {
  chat: {
    model: 'demo-chat',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
      { role: 'user', content: 'thanks' },
    ],
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    tool_choice: { type: 'function', function: { name: 'f' } },
    response_format: { type: 'json_schema', json_schema: { name: 'a', schema: {} } },
    stream: true,
    stream_options: { include_usage: true },
    logprobs: true,
    top_logprobs: 2,
  },
  completion: { model: 'demo-chat', prompt: ['a', 'b'], best_of: 2, n: 1, stop: ['x'] },
  embedding: { model: 'demo-embed', input: [[1, 2], [3]], dimensions: 8 },
  messages: {
    model: 'demo-chat',
    max_tokens: 10,
    system: [{ type: 'text', text: 'Be brief.' }],
    messages: [
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
    ],
    tools: [{ name: 'f', input_schema: { type: 'object' } }],
    tool_choice: { type: 'tool', name: 'f' },
    thinking: { type: 'enabled', budget_tokens: 2048 },
  },
};

describe('parameter checks on malformed bodies', () => {
  it.each([
    ['chat completions', chatCompletionRequestSchema, valid.chat],
    ['completions', completionRequestSchema, valid.completion],
    ['embeddings', embeddingRequestSchema, valid.embedding],
    ['messages', messagesRequestSchema, valid.messages],
  ] as const)(
    '%s: every mutant of a valid body is admitted or refused with a 400, never a crash',
    (_, schema, body) => {
      expect(() => parseRequestBody(schema, body)).not.toThrow();
      const random = generator(42);
      for (let round = 0; round < 3_000; round++) {
        let mutant: unknown = body;
        for (let step = 0; step < 1 + Math.floor(random() * 3); step++) mutant = mutate(mutant, random);
        try {
          parseRequestBody(schema, mutant);
        } catch (error) {
          if (!(error instanceof GatewayError) || error.status !== 400) {
            throw new Error(`${String(error)} for ${JSON.stringify(mutant)}`);
          }
        }
      }
    },
  );
});
