import type OpenAI from 'openai';
import type { OpenAiChatCompletion } from '../openai-types';
import { UpstreamTranslationError } from '../translation-error';
import { openAiChatResponseToResponses, type ResponsesAnswerContext } from './responses-response';
import type { ResponsesRequest } from './responses-types';

/** What the API sends: `output_text` is a convenience the SDK computes on its side. */
type SdkWireResponse = Omit<OpenAI.Responses.Response, 'output_text'>;

const usage = {
  prompt_tokens: 120,
  completion_tokens: 30,
  total_tokens: 150,
  prompt_tokens_details: { cached_tokens: 100, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 12, audio_tokens: 0 },
};

function completion(
  message: Partial<OpenAiChatCompletion['choices'][number]['message']>,
  finishReason: OpenAiChatCompletion['choices'][number]['finish_reason'] = 'stop',
): OpenAiChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-2024-08-06',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null, ...message },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage,
  };
}

function context(request: Partial<ResponsesRequest> = {}): ResponsesAnswerContext {
  return {
    id: 'resp_abc',
    model: 'demo-chat',
    createdAt: 1_700_000_000,
    request: { model: 'demo-chat', input: 'Hi', ...request },
    previousResponseId: null,
    store: true,
  };
}

describe('openAiChatResponseToResponses', () => {
  it('answers text as one message item, with the request echoed under OpenAI defaults', () => {
    const response: SdkWireResponse = openAiChatResponseToResponses(completion({ content: 'Hello!' }), context());
    expect(response).toEqual({
      id: 'resp_abc',
      object: 'response',
      created_at: 1_700_000_000,
      status: 'completed',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      model: 'demo-chat',
      output: [
        {
          type: 'message',
          id: 'msg_abc',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello!', annotations: [] }],
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: true,
      temperature: 1,
      text: { format: { type: 'text' }, verbosity: 'medium' },
      tool_choice: 'auto',
      tools: [],
      top_p: 1,
      truncation: 'disabled',
      usage: {
        input_tokens: 120,
        input_tokens_details: { cached_tokens: 100, cache_write_tokens: 0 },
        output_tokens: 30,
        output_tokens_details: { reasoning_tokens: 12 },
        total_tokens: 150,
      },
      metadata: {},
    });
  });

  it('echoes what the client set', () => {
    const schema = { type: 'object', properties: {} };
    const response: SdkWireResponse = openAiChatResponseToResponses(completion({ content: '{}' }), {
      ...context({
        instructions: 'Be brief.',
        tools: [{ type: 'function', name: 'now', parameters: { type: 'object', properties: {} } }],
        tool_choice: { type: 'function', name: 'now' },
        temperature: 0.3,
        top_p: 0.5,
        max_output_tokens: 64,
        parallel_tool_calls: false,
        text: { format: { type: 'json_schema', name: 'empty', schema, strict: true } },
        metadata: { team: 'search' },
        user: 'user-1',
      }),
      previousResponseId: 'resp_before',
      store: false,
    });
    expect(response).toMatchObject({
      instructions: 'Be brief.',
      tools: [
        {
          type: 'function',
          name: 'now',
          description: null,
          parameters: { type: 'object', properties: {} },
          strict: null,
        },
      ],
      tool_choice: { type: 'function', name: 'now' },
      temperature: 0.3,
      top_p: 0.5,
      max_output_tokens: 64,
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'empty', schema, strict: true }, verbosity: 'medium' },
      metadata: { team: 'search' },
      user: 'user-1',
      previous_response_id: 'resp_before',
      store: false,
    });
  });

  it('answers a refusal as a refusal part', () => {
    const response = openAiChatResponseToResponses(completion({ refusal: 'I cannot help with that.' }), context());
    expect(response.output).toEqual([
      {
        type: 'message',
        id: 'msg_abc',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'refusal', refusal: 'I cannot help with that.' }],
      },
    ]);
  });

  it('answers each tool call as a function_call item under the tool call id, after the text', () => {
    const response = openAiChatResponseToResponses(
      completion(
        {
          content: 'Checking both.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'now', arguments: '{}' } },
          ],
        },
        'tool_calls',
      ),
      context(),
    );
    expect(response.status).toBe('completed');
    expect(response.output).toEqual([
      {
        type: 'message',
        id: 'msg_abc',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Checking both.', annotations: [] }],
      },
      {
        type: 'function_call',
        id: 'fc_abc_0',
        call_id: 'call_a',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        status: 'completed',
      },
      { type: 'function_call', id: 'fc_abc_1', call_id: 'call_b', name: 'now', arguments: '{}', status: 'completed' },
    ]);
  });

  it('answers a single tool call without a message item', () => {
    const response = openAiChatResponseToResponses(
      completion(
        { tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'now', arguments: '{}' } }] },
        'tool_calls',
      ),
      context(),
    );
    expect(response.output.map((item) => [item.type, item.id])).toEqual([['function_call', 'fc_abc_0']]);
  });

  it.each([
    ['length', 'max_output_tokens'],
    ['content_filter', 'content_filter'],
  ] as const)('is incomplete when the upstream stopped for %s', (finishReason, reason) => {
    const response = openAiChatResponseToResponses(completion({ content: 'Once upon a' }, finishReason), context());
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason });
    expect(response.output[0]?.status).toBe('incomplete');
  });

  it('leaves usage out when the upstream sent none, rather than reporting zero tokens', () => {
    const { usage: _usage, ...withoutUsage } = completion({ content: 'Hi' });
    expect(openAiChatResponseToResponses(withoutUsage, context())).not.toHaveProperty('usage');
  });

  it('gives the same object for the same answer', () => {
    const answer = completion({
      content: 'Hi',
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'n', arguments: '{}' } }],
    });
    expect(openAiChatResponseToResponses(answer, context())).toEqual(openAiChatResponseToResponses(answer, context()));
  });

  it('refuses an answer without a choice as an upstream failure', () => {
    expect(() => openAiChatResponseToResponses({ ...completion({}), choices: [] }, context())).toThrow(
      UpstreamTranslationError,
    );
  });
});
