import { GatewayHarness, NO_LIMITS } from '../../test/gateway-harness';
import { SCRIPTED_OUTPUT_TOKENS, type ScriptedUpstream, startScriptedUpstream } from '../../test/scripted-upstream';

/**
 * The output rules and the restore at the gateway, against an upstream that says exactly what it is told in
 * 3-character chunks: what reaches the client's wire (raw bytes), the endings of a cut answer, and what the usage
 * event records.
 */
const IN_FORCE_WITHIN_MS = 1_000;
const CARD = '4111 1111 1111 1111';
const EMAIL = 'jane.doe@example.com';

interface Answer {
  status: number;
  raw: string;
  policy: string | null;
  requestId: string | null;
  /** The answer's text, read from its JSON or its stream (OpenAI content, Anthropic text deltas). */
  text: string;
  /** OpenAI's finish reasons or Anthropic's stop reason, as the client saw them. */
  endings: unknown[];
  /** How many `[DONE]` the stream carried. */
  done: number;
}

describe('policy.output: output rules and restore on answers', () => {
  let gateway: GatewayHarness;
  let upstream: ScriptedUpstream;
  let slow: ScriptedUpstream;

  /** A tenant with a key and `spec` as its policy, once the gateway has it (its first answer shows `ready`). */
  const tenantWith = async (spec: string, ready: (key: string) => Promise<boolean>) => {
    const tenant = await gateway.tenant();
    await gateway.subscribeToDemo(tenant, { limitOverrides: NO_LIMITS });
    const key = (await gateway.key(tenant)).key;
    await gateway.publishPolicy(`tenant:${tenant}`, spec);
    const deadline = Date.now() + IN_FORCE_WITHIN_MS;
    while (!(await ready(key))) {
      if (Date.now() > deadline) throw new Error('the policy was not in force within a second');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return key;
  };

  const call = async (
    key: string,
    path: '/v1/chat/completions' | '/v1/messages',
    body: Record<string, unknown>,
  ): Promise<Answer> => {
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ max_tokens: 200, ...body }),
      signal: AbortSignal.timeout(10_000),
    });
    const raw = await response.text();
    return {
      status: response.status,
      raw,
      policy: response.headers.get('x-gatehouse-policy'),
      requestId: response.headers.get('x-request-id'),
      ...read(raw, path === '/v1/messages' ? 'anthropic' : 'openai', body.stream === true),
    };
  };

  const chat = (key: string, model: string, content: string, extra: Record<string, unknown> = {}) =>
    call(key, '/v1/chat/completions', { model, messages: [{ role: 'user', content }], ...extra });
  const messages = (key: string, model: string, content: string, extra: Record<string, unknown> = {}) =>
    call(key, '/v1/messages', { model, messages: [{ role: 'user', content }], ...extra });

  beforeAll(async () => {
    [gateway, upstream, slow] = await Promise.all([
      GatewayHarness.start('gateway-answer-guard'),
      startScriptedUpstream(),
      startScriptedUpstream(25),
    ]);
    await gateway.routeModel('out-openai', [{ type: 'OPENAI', baseUrl: upstream.url }]);
    await gateway.routeModel('out-claude', [{ type: 'ANTHROPIC', baseUrl: upstream.url }]);
    await gateway.routeModel('out-slow', [{ type: 'OPENAI', baseUrl: slow.url }]);
    gateway.watchUsage();
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await slow?.close();
  });

  describe('restore', () => {
    let key: string;
    const said = `say:Write to ${EMAIL} today.`;
    const restored = `Write to ${EMAIL} today.`;

    beforeAll(async () => {
      key = await tenantWith(
        '  pii:\n    input: { action: redact, entities: [EMAIL], restore: true }\n',
        async (candidate) => (await chat(candidate, 'out-openai', said)).policy === 'pii.input=redact:1',
      );
    });

    it('puts the caller’s originals back in a whole answer and in OpenAI, Anthropic and translated streams', async () => {
      const whole = await chat(key, 'out-openai', said);
      expect(whole.text).toBe(restored);
      for (const [answer, name] of [
        [await chat(key, 'out-openai', said, { stream: true }), 'openai stream'],
        [await messages(key, 'out-claude', said, { stream: true }), 'anthropic stream'],
        [await chat(key, 'out-claude', said, { stream: true }), 'translated stream'],
        [await messages(key, 'out-claude', said), 'anthropic whole'],
      ] as const) {
        expect({ name, status: answer.status, text: answer.text }).toEqual({ name, status: 200, text: restored });
        expect(answer.raw).not.toContain('[EMAIL_1]');
      }
    });
  });

  describe('pii.output and denyList.output', () => {
    let key: string;
    const cardText = `say:Your card ${CARD} is on file; thanks for waiting, we will be in touch about it soon.`;

    beforeAll(async () => {
      key = await tenantWith(
        '  pii:\n    output: { action: redact, entities: [CREDIT_CARD, EMAIL] }\n  denyList:\n    output: ["forbidden-[a-z]+"]\n    action: block\n',
        async (candidate) => (await chat(candidate, 'out-openai', cardText)).policy === 'pii.output=redact:1',
      );
    });

    it('redacts a card streamed in 3-character chunks: never in clear on the wire, in either API', async () => {
      for (const answer of [
        await chat(key, 'out-openai', cardText, { stream: true }),
        await messages(key, 'out-claude', cardText, { stream: true }),
        await chat(key, 'out-claude', cardText, { stream: true }),
      ]) {
        expect(answer.status).toBe(200);
        expect(answer.raw).not.toMatch(/4111|1111 1/);
        expect(answer.text).toBe(
          `Your card [CREDIT_CARD_1] is on file; thanks for waiting, we will be in touch about it soon.`,
        );
        const event = await gateway.usageEventOf(answer.requestId);
        expect(event?.policyActions).toEqual([`redact:pii.output.CREDIT_CARD@tenant:${event?.tenantId}`]);
        expect(event?.outputTokens).toBe(SCRIPTED_OUTPUT_TOKENS);
      }
    });

    it('says what it redacted in x-gatehouse-policy on a whole answer', async () => {
      const answer = await messages(key, 'out-claude', cardText);
      expect(answer.text).toBe(
        `Your card [CREDIT_CARD_1] is on file; thanks for waiting, we will be in touch about it soon.`,
      );
      expect(answer.policy).toBe('pii.output=redact:1');
      expect(answer.raw).not.toContain('4111');
    });

    it('cuts at a deny list match: content_filter then [DONE] on a stream, refusal for Anthropic, usage still recorded', async () => {
      const text = 'say:All fine until forbidden-words appear, and then a long tail that nobody should ever read.';
      const streamed = await chat(key, 'out-openai', text, { stream: true });
      expect(streamed).toMatchObject({ status: 200, text: 'All fine until ', endings: ['content_filter'], done: 1 });
      expect(streamed.raw).not.toContain('forbidden');
      expect(streamed.raw).not.toContain('tail');
      const event = await gateway.usageEventOf(streamed.requestId);
      expect(event).toMatchObject({ statusCode: 200, outputTokens: SCRIPTED_OUTPUT_TOKENS, errorCode: null });
      expect(event?.policyActions).toEqual([`block:denyList.output@tenant:${event?.tenantId}`]);

      const anthropic = await messages(key, 'out-claude', text, { stream: true });
      expect(anthropic).toMatchObject({ text: 'All fine until ', endings: ['refusal'] });
      expect(anthropic.raw).toMatch(/event: message_stop/);
      const whole = await chat(key, 'out-openai', text);
      expect(whole).toMatchObject({
        text: 'All fine until ',
        endings: ['content_filter'],
        policy: 'denyList.output=block',
      });
      const wholeAnthropic = await messages(key, 'out-claude', text);
      expect(wholeAnthropic).toMatchObject({ text: 'All fine until ', endings: ['refusal'] });
    });

    it('keeps include_usage: the usage chunk after the content_filter chunk, then [DONE]', async () => {
      const answer = await chat(key, 'out-openai', 'say:Stop at forbidden-fruit please.', {
        stream: true,
        stream_options: { include_usage: true },
      });
      expect(answer).toMatchObject({ text: 'Stop at ', endings: ['content_filter'], done: 1 });
      const usage = /"usage":\{"prompt_tokens":11,"completion_tokens":(\d+)/.exec(answer.raw);
      expect(usage?.[1]).toBe(String(SCRIPTED_OUTPUT_TOKENS));
      expect(answer.raw.indexOf('content_filter')).toBeLessThan(answer.raw.indexOf('"completion_tokens"'));
    });

    it('guards tool call arguments, streamed and whole, in both APIs', async () => {
      const tools = [{ type: 'function', function: { name: 'pay', parameters: { type: 'object' } } }];
      const args = `call:{"card":"${CARD}","memo":"for ${EMAIL}"}`;
      const expected = '{"card":"[CREDIT_CARD_1]","memo":"for [EMAIL_1]"}';
      const streamed = await chat(key, 'out-openai', args, { stream: true, tools });
      expect(streamed.raw).not.toMatch(/4111|jane\.doe/);
      expect(argumentsOf(streamed.raw)).toBe(expected);
      const whole = await chat(key, 'out-openai', args, { tools });
      const body = JSON.parse(whole.raw) as {
        choices: { message: { tool_calls: { function: { arguments: string } }[] } }[];
      };
      expect(body.choices[0]?.message.tool_calls[0]?.function.arguments).toBe(expected);
      const anthropic = await messages(key, 'out-claude', args, {
        tools: [{ name: 'pay', input_schema: { type: 'object' } }],
      });
      expect(JSON.parse(anthropic.raw)).toMatchObject({
        content: [{ type: 'tool_use', input: { card: '[CREDIT_CARD_1]', memo: 'for [EMAIL_1]' } }],
      });
    });

    it('ends a cut stream for the client at once, while the upstream is still streaming', async () => {
      const before = slow.finished();
      const tail = ' and on and on'.repeat(20);
      const answer = await chat(key, 'out-slow', `say:Here: forbidden-stuff${tail}`, { stream: true });
      expect(answer).toMatchObject({ text: 'Here: ', endings: ['content_filter'], done: 1 });
      // The upstream takes 25 ms per 3 characters: the client had its whole answer long before it was done.
      expect(slow.finished()).toBe(before);
      const event = await gateway.usageEventOf(answer.requestId, 10_000);
      expect(event).toMatchObject({ outputTokens: SCRIPTED_OUTPUT_TOKENS, statusCode: 200 });
      expect(slow.finished()).toBe(before + 1);
    });
  });

  describe('monitor mode', () => {
    it('changes nothing and reports what it would have done', async () => {
      const text = `say:Card ${CARD} here.`;
      const key = await tenantWith(
        '  pii:\n    output: { action: block, entities: [CREDIT_CARD], mode: monitor }\n',
        async (candidate) => (await chat(candidate, 'out-openai', text)).policy === 'pii.output=monitor:1',
      );
      const whole = await chat(key, 'out-openai', text);
      expect(whole).toMatchObject({ text: `Card ${CARD} here.`, endings: ['stop'] });
      const streamed = await chat(key, 'out-openai', text, { stream: true });
      expect(streamed).toMatchObject({ text: `Card ${CARD} here.`, endings: ['stop'], done: 1 });
      const event = await gateway.usageEventOf(streamed.requestId);
      expect(event?.policyActions).toEqual([`monitor:pii.output.CREDIT_CARD@tenant:${event?.tenantId}`]);
    });
  });
});

/** The text, endings and `[DONE]`s of an answer as a client reads it. */
function read(raw: string, api: 'openai' | 'anthropic', stream: boolean): Pick<Answer, 'text' | 'endings' | 'done'> {
  if (!stream) {
    const body = JSON.parse(raw) as {
      choices?: { message: { content: string | null }; finish_reason: unknown }[];
      content?: { type: string; text?: string }[];
      stop_reason?: unknown;
    };
    if (api === 'anthropic') {
      const text = (body.content ?? []).map((block) => block.text ?? '').join('');
      return { text, endings: [body.stop_reason], done: 0 };
    }
    const choice = body.choices?.[0];
    return { text: choice?.message.content ?? '', endings: [choice?.finish_reason], done: 0 };
  }
  let text = '';
  const endings: unknown[] = [];
  let done = 0;
  for (const line of raw.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const data = line.slice('data: '.length);
    if (data === '[DONE]') {
      done += 1;
      continue;
    }
    const event = JSON.parse(data) as {
      choices?: { delta?: { content?: string }; finish_reason: unknown }[];
      type?: string;
      delta?: { text?: string; stop_reason?: unknown };
    };
    for (const choice of event.choices ?? []) {
      text += choice.delta?.content ?? '';
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) endings.push(choice.finish_reason);
    }
    if (event.type === 'content_block_delta') text += event.delta?.text ?? '';
    if (event.type === 'message_delta') endings.push(event.delta?.stop_reason);
  }
  return { text, endings, done };
}

function argumentsOf(raw: string): string {
  let args = '';
  for (const line of raw.split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const chunk = JSON.parse(line.slice('data: '.length)) as {
      choices: { delta?: { tool_calls?: { function?: { arguments?: string } }[] } }[];
    };
    for (const choice of chunk.choices) {
      for (const call of choice.delta?.tool_calls ?? []) args += call.function?.arguments ?? '';
    }
  }
  return args;
}
