import { usageOfResponseBody } from './usage-of-response';
import { jsonAnswerUnderAlias, type JsonAnswer } from './json-answer';
import { type StreamProtocol } from '../../upstream';

const ALIAS = 'demo-chat';
const UNKNOWN = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, source: 'unknown' };

/** What parsing the whole body, setting `model` and serialising it again means: the behaviour to keep. */
function reference(text: string, alias: string, protocol: StreamProtocol) {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return { isObject: false, value: undefined, usage: UNKNOWN };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { isObject: false, value: undefined, usage: UNKNOWN };
  }
  const usage = usageOfResponseBody(protocol, payload);
  if ('model' in payload) (payload as Record<string, unknown>).model = alias;
  return { isObject: true, value: payload, usage };
}

function textOf(answer: JsonAnswer): string {
  return typeof answer.body === 'string' ? answer.body : answer.body.toString('utf8');
}

/**
 * The answer means what the reference means (compared serialised: key order counts, and `-0`, which the upstream's
 * spelling keeps and a serialiser writes `0`, does not); a body that is not a JSON object comes back as the very
 * same value.
 */
function expectSameAsReference(input: Buffer | string, alias: string, protocol: StreamProtocol): JsonAnswer {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const expected = reference(text, alias, protocol);
  const answer = jsonAnswerUnderAlias(input, alias, protocol);
  expect(answer.isObject).toBe(expected.isObject);
  expect(answer.usage).toEqual(expected.usage);
  if (expected.isObject) expect(JSON.stringify(JSON.parse(textOf(answer)))).toBe(JSON.stringify(expected.value));
  else expect(answer.body).toBe(input);
  return answer;
}

const chatAnswer = (model: string) =>
  `{"id":"chatcmpl-1","object":"chat.completion","created":1764200000,"model":${JSON.stringify(model)},` +
  `"choices":[{"index":0,"message":{"role":"assistant","content":"Hello!","refusal":null},"finish_reason":"stop"}],` +
  `"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,"prompt_tokens_details":{"cached_tokens":4}},` +
  `"system_fingerprint":"fp_1"}`;

function embeddingsAnswer(vectors: number, dimensions: number, random: () => number): string {
  const data = Array.from({ length: vectors }, (_, index) => ({
    object: 'embedding',
    index,
    embedding: Array.from({ length: dimensions }, () => random() * 2 - 1),
  }));
  return JSON.stringify({
    object: 'list',
    data,
    model: 'text-embedding-3-small',
    usage: { prompt_tokens: 8, total_tokens: 8 },
  });
}

/** A small deterministic generator (mulberry32), so that a failing case can be replayed from its seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('jsonAnswerUnderAlias', () => {
  it('changes only the top-level model value of a chat answer, byte for byte', () => {
    const answer = expectSameAsReference(Buffer.from(chatAnswer('gpt-4o-2024-08-06')), ALIAS, 'openai');
    expect(textOf(answer)).toBe(chatAnswer(ALIAS));
    expect(answer.usage).toEqual({ inputTokens: 12, outputTokens: 5, cachedTokens: 4, source: 'upstream' });
  });

  it('reads Anthropic usage, cache reads and writes counted as input', () => {
    const body =
      '{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[{"type":"text","text":"Hi"}],' +
      '"stop_reason":"end_turn","usage":{"input_tokens":10,"cache_read_input_tokens":3,"cache_creation_input_tokens":2,"output_tokens":7}}';
    const answer = expectSameAsReference(body, ALIAS, 'anthropic');
    expect(answer.usage).toEqual({ inputTokens: 15, outputTokens: 7, cachedTokens: 3, source: 'upstream' });
    expect(textOf(answer)).toBe(body.replace('"claude-x"', `"${ALIAS}"`));
  });

  it('leaves nested model members and "model" inside strings alone, whatever comes first', () => {
    const body = JSON.stringify({
      id: 'x',
      note: 'the "model": "secret" text, and \\"model\\":',
      choices: [{ message: { model: 'inner', content: [{ model: 'deeper', text: '{"model":"s"}' }] } }],
      metadata: { model: 'meta' },
      model: 'upstream-model',
      usage: { prompt_tokens: 1, completion_tokens: 2, model: 'in-usage' },
    });
    const answer = expectSameAsReference(body, ALIAS, 'openai');
    expect(textOf(answer)).toBe(body.replace('"model":"upstream-model"', `"model":"${ALIAS}"`));
  });

  it('keeps spacing, key order, escapes and unicode as the upstream wrote them', () => {
    const body =
      '\r\n\t {\n  "usage" : { "prompt_tokens" : 3 , "completion_tokens" : 1.0e0 } ,\n' +
      '  "content" : "é€😀 \\u00e9 \\ud83d\\ude00 \\" \\\\ \\/ \\b\\f\\n\\r\\t" ,\n' +
      '  "model"\t:\n  "up\\"stream\\u0021" , "n" : -0.5E-3 , "big" : 12345678901234567890123 \n} \n';
    const answer = expectSameAsReference(Buffer.from(body), 'alias "quoted" é', 'openai');
    expect(textOf(answer)).toBe(body.replace('"up\\"stream\\u0021"', JSON.stringify('alias "quoted" é')));
    // 1.0e0 is an integer as JavaScript reads it: counted, as the parsed body would count it.
    expect(answer.usage).toEqual({ inputTokens: 3, outputTokens: 1, cachedTokens: 0, source: 'upstream' });
  });

  it('replaces a model value of any type, and every repetition of the key', () => {
    for (const value of ['null', '42', '{"name":"m"}', '["a"]', 'true']) {
      expectSameAsReference(`{"model":${value},"x":1}`, ALIAS, 'openai');
    }
    const answer = expectSameAsReference(
      '{"model":"a","usage":{"prompt_tokens":1},"model":"b","usage":{}}',
      ALIAS,
      'openai',
    );
    // Duplicate keys: a parser keeps the last `usage`, which has no counts.
    expect(answer.usage).toEqual(UNKNOWN);
    expect(textOf(answer)).toBe(`{"model":"${ALIAS}","usage":{"prompt_tokens":1},"model":"${ALIAS}","usage":{}}`);
  });

  it('returns the very same body when there is no top-level model', () => {
    const body = Buffer.from(
      '{"object":"list","data":[{"model":"nested"}],"usage":{"prompt_tokens":2,"total_tokens":2}}',
    );
    const answer = expectSameAsReference(body, ALIAS, 'openai');
    expect(answer.body).toBe(body);
    expect(answer.usage).toEqual({ inputTokens: 2, outputTokens: 0, cachedTokens: 0, source: 'upstream' });
    expect(jsonAnswerUnderAlias('{}', ALIAS, 'openai')).toEqual({ body: '{}', isObject: true, usage: UNKNOWN });
  });

  it('does not mistake an escaped top-level key for another, nor miss one that spells model', () => {
    expectSameAsReference('{"mod\\u0065l":"upstream","usage":{"prompt_tokens":1}}', ALIAS, 'openai');
    expectSameAsReference('{"model\\u0000":"upstream","\\u0075sage":{"prompt_tokens":1}}', ALIAS, 'openai');
    const answer = expectSameAsReference('{"\\"model\\"":"upstream","model":"m"}', ALIAS, 'openai');
    expect(JSON.parse(textOf(answer))).toEqual({ '"model"': 'upstream', model: ALIAS });
  });

  it('sends what is not a JSON object as it came, usage unknown', () => {
    const bodies = [
      '',
      '   ',
      '[{"model":"m"}]',
      '"model"',
      '42',
      'null',
      '{"model":"m"',
      '{"model":"m",}',
      '{"model":"m"} x',
      '{"model":"m"}{}',
      "{'model':'m'}",
      '{"model":"m","n":01}',
      '{"model":"m","n":1.}',
      '{"model":"m","n":.5}',
      '{"model":"m","n":-}',
      '{"model":"m","n":1e}',
      '{"model":"m","n":NaN}',
      '{"model":"m","n":tru}',
      '{"model":"m","s":"a\tb"}',
      '{"model":"m","s":"\\x41"}',
      '{"model":"m","s":"\\u12g4"}',
      '{"model":"m","a":[1,]}',
      '{"model":"m","a":[1 2]}',
      '{"model":"m","o":{"k" 1}}',
      '{"model":"m","o":{"k":1,}}',
      '{"model":"m","o":{1:1}}',
      '{"model":"m","a":[}',
      '\ufeff{"model":"m"}',
      '<html>Bad gateway</html>',
    ];
    for (const body of bodies) {
      const answer = expectSameAsReference(Buffer.from(body), ALIAS, 'openai');
      expect(answer).toEqual({ body: Buffer.from(body), isObject: false, usage: UNKNOWN });
    }
  });

  it('reads bytes that are not UTF-8 as a parse would, with replacement characters', () => {
    const body = Buffer.concat([Buffer.from('{"model":"m","s":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    const answer = expectSameAsReference(body, ALIAS, 'openai');
    expect(JSON.parse(textOf(answer))).toEqual({ model: ALIAS, s: '\ufffd(\ufffd' });
  });

  it('takes a string body, lone surrogates included', () => {
    expectSameAsReference(chatAnswer('gpt'), ALIAS, 'openai');
    expectSameAsReference('{"model":"m","s":"\ud800"}', ALIAS, 'openai');
  });

  it('survives nesting deeper than the call stack', () => {
    const depth = 200_000;
    const body = `{"model":"m","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const answer = jsonAnswerUnderAlias(body, ALIAS, 'openai');
    expect(answer.isObject).toBe(true);
    expect(textOf(answer)).toBe(body.replace('"m"', `"${ALIAS}"`));
    expect(jsonAnswerUnderAlias(body.slice(0, -2) + '}', ALIAS, 'openai').isObject).toBe(false);
  });

  it('relabels a large embeddings answer without touching its vectors', () => {
    const random = seeded(7);
    const body = Buffer.from(embeddingsAnswer(16, 1536, random));
    const answer = expectSameAsReference(body, 'demo-embed', 'openai');
    expect(textOf(answer)).toBe(body.toString().replace('"model":"text-embedding-3-small"', '"model":"demo-embed"'));
    expect(answer.usage).toEqual({ inputTokens: 8, outputTokens: 0, cachedTokens: 0, source: 'upstream' });
  });

  describe('on generated bodies', () => {
    const KEYS = [
      'model',
      'usage',
      'id',
      'choices',
      'content',
      'mod\\u0065l',
      'x y',
      'é',
      'prompt_tokens',
      'input_tokens',
    ];
    const STRINGS = [
      '',
      'model',
      '"model":"x"',
      'é€😀',
      '\\"',
      '\\\\',
      '\\/',
      '\\n',
      '\\u0041',
      '\\ud83d\\ude00',
      '{',
      ']',
    ];
    const NUMBERS = ['0', '-0', '7', '12', '-3', '1.5', '0.25e2', '1E-3', '-2e+2', '123456789012345678901234567890'];

    /** Random JSON text with random spacing, exercising what the scanner must understand. */
    function generate(random: () => number, depth: number): string {
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const space = () => pick(['', '', '', ' ', '\n  ', '\t', '\r\n']);
      const kind = depth > 3 ? random() * 4 : random() * 6;
      if (kind < 1) return `"${pick(STRINGS)}"`;
      if (kind < 2) return pick(NUMBERS);
      if (kind < 3) return pick(['true', 'false', 'null']);
      if (kind < 4 && depth > 0) return `"${pick(STRINGS)}${pick(STRINGS)}"`;
      if (kind < 5) {
        const items = Array.from(
          { length: Math.floor(random() * 4) },
          () => space() + generate(random, depth + 1) + space(),
        );
        return `[${items.join(',') || space()}]`;
      }
      const members = Array.from(
        { length: Math.floor(random() * 5) },
        () => `${space()}"${pick(KEYS)}"${space()}:${space()}${generate(random, depth + 1)}${space()}`,
      );
      return `{${members.join(',') || space()}}`;
    }

    function generateObject(random: () => number): string {
      let text = generate(random, 0);
      while (!text.startsWith('{')) text = generate(random, 0);
      return text;
    }

    it('mean what parse, set model and serialise would', () => {
      for (let seed = 1; seed <= 3_000; seed++) {
        const random = seeded(seed);
        const text = generateObject(random);
        const protocol = random() < 0.5 ? 'openai' : 'anthropic';
        expectSameAsReference(random() < 0.5 ? text : Buffer.from(text), ALIAS, protocol);
      }
    });

    it('agree with a parse on whether a damaged body is a JSON object at all', () => {
      const damage = ['', '{', '}', '[', ']', '"', ',', ':', '\\', ' ', '0', '-', '.', 'e', 't', '\u0001'];
      for (let seed = 1; seed <= 3_000; seed++) {
        const random = seeded(seed);
        const text = generateObject(random);
        const position = Math.floor(random() * (text.length + 1));
        const removed = Math.floor(random() * 3);
        const damaged =
          text.slice(0, position) + damage[Math.floor(random() * damage.length)] + text.slice(position + removed);
        expectSameAsReference(Buffer.from(damaged), ALIAS, 'openai');
      }
    });
  });
});
