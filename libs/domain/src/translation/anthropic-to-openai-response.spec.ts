import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { anthropicResponseToOpenAiChat } from './anthropic-to-openai-response';

const options = { model: 'demo-chat', requestId: 'req_123', created: 1_700_000_000 };

function message(overrides: Partial<Anthropic.Message>): Anthropic.Message {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text: 'Hello there.', citations: null }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 12,
      output_tokens: 3,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: null,
      server_tool_use: null,
      service_tier: 'standard',
    },
    ...overrides,
  };
}

describe('anthropicResponseToOpenAiChat', () => {
  it('translates a text answer into an OpenAI chat completion', () => {
    const completion: OpenAI.ChatCompletion = anthropicResponseToOpenAiChat(message({}), options);
    expect(completion).toEqual({
      id: 'req_123',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'demo-chat',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello there.', refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 3,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
    });
  });

  it('joins text blocks, drops thinking, and turns tool_use blocks into tool_calls', () => {
    const completion = anthropicResponseToOpenAiChat(
      message({
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'text', text: 'Checking ', citations: null },
          { type: 'text', text: 'both.', citations: null },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} },
        ],
        stop_reason: 'tool_use',
      }),
      options,
    );
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBe('Checking both.');
    expect(choice?.message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '{}' } },
    ]);
  });

  it('sends content null when the answer is only tool calls', () => {
    const completion = anthropicResponseToOpenAiChat(
      message({ content: [{ type: 'tool_use', id: 't', name: 'f', input: { a: 1 } }], stop_reason: 'tool_use' }),
      options,
    );
    expect(completion.choices[0]?.message.content).toBeNull();
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
  ] as const)('maps stop_reason %s to finish_reason %s', (stopReason, finishReason) => {
    expect(anthropicResponseToOpenAiChat(message({ stop_reason: stopReason }), options).choices[0]?.finish_reason).toBe(
      finishReason,
    );
  });

  it('counts cache reads and writes in prompt_tokens and reports reads as cached_tokens', () => {
    const completion = anthropicResponseToOpenAiChat(
      message({
        usage: {
          input_tokens: 10,
          output_tokens: 5,
          cache_read_input_tokens: 100,
          cache_creation_input_tokens: 20,
          cache_creation: null,
          server_tool_use: null,
          service_tier: null,
        },
      }),
      options,
    );
    expect(completion.usage).toMatchObject({
      prompt_tokens: 130,
      completion_tokens: 5,
      total_tokens: 135,
      prompt_tokens_details: { cached_tokens: 100 },
    });
  });

  it('treats null cache fields as zero', () => {
    const completion = anthropicResponseToOpenAiChat(
      message({
        usage: {
          input_tokens: 7,
          output_tokens: 2,
          cache_read_input_tokens: null,
          cache_creation_input_tokens: null,
          cache_creation: null,
          server_tool_use: null,
          service_tier: null,
        },
      }),
      options,
    );
    expect(completion.usage).toMatchObject({
      prompt_tokens: 7,
      total_tokens: 9,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });
});
