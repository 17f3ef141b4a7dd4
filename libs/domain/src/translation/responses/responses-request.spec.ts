import type OpenAI from 'openai';
import { TranslationError } from '../translation-error';
import { responsesConversationItems, responsesRequestToOpenAiChat } from './responses-request';
import { openAiChatResponseToResponses } from './responses-response';
import type { ResponsesInputItem, ResponsesRequest } from './responses-types';

type SdkRequest = OpenAI.Responses.ResponseCreateParamsNonStreaming & { model: string };

/**
 * Requests are written as the official SDK types them, so the translator is proven to take what clients send (spread
 * into a plain object, as a parsed body is: an SDK interface declares no index signature).
 */
function translate(request: SdkRequest, history: ResponsesInputItem[] = []) {
  return responsesRequestToOpenAiChat({ ...request }, { history });
}

function translationError(run: () => unknown): TranslationError {
  try {
    run();
  } catch (error) {
    if (error instanceof TranslationError) return error;
    throw error;
  }
  throw new Error('expected a TranslationError');
}

describe('responsesRequestToOpenAiChat', () => {
  it('turns instructions into a leading system message and a string input into one user message', () => {
    const chat = translate({ model: 'demo-chat', instructions: 'Be brief.', input: 'Hi' });
    expect(chat).toEqual({
      model: 'demo-chat',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
  });

  it('translates messages of every role, short and typed, with text and image parts', () => {
    const chat = translate({
      model: 'demo-chat',
      input: [
        { role: 'developer', content: 'Answer in French.' },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'No emojis.' }] },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'low' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'auto' },
          ],
        },
        {
          type: 'message',
          id: 'msg_1',
          status: 'completed',
          role: 'assistant',
          content: [
            { type: 'output_text', text: 'Un chat. ', annotations: [] },
            { type: 'refusal', refusal: 'Je ne peux pas en dire plus.' },
          ],
        },
        { role: 'assistant', content: 'Autre chose ?' },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'developer', content: 'Answer in French.' },
      { role: 'system', content: 'No emojis.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'auto' } },
        ],
      },
      { role: 'assistant', content: 'Un chat. Je ne peux pas en dire plus.' },
      { role: 'assistant', content: 'Autre chose ?' },
    ]);
  });

  it('merges consecutive function calls into one assistant message and answers each with a tool message', () => {
    const chat = translate({
      model: 'demo-chat',
      input: [
        { role: 'user', content: 'Weather in Paris and the time?' },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'function_call', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'call_b', name: 'now', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_a', output: '{"celsius":21}' },
        { type: 'function_call_output', call_id: 'call_b', output: [{ type: 'input_text', text: '12:00' }] },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and the time?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'now', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"celsius":21}' },
      { role: 'tool', tool_call_id: 'call_b', content: '12:00' },
    ]);
  });

  it('attaches function calls to the assistant text before them, and starts a new turn after a tool result', () => {
    const chat = translate({
      model: 'demo-chat',
      input: [
        { role: 'user', content: 'Go' },
        { role: 'assistant', content: 'Looking it up.' },
        { type: 'function_call', call_id: 'call_a', name: 'lookup', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_a', output: 'found' },
        { type: 'function_call', call_id: 'call_b', name: 'lookup', arguments: '{"again":true}' },
      ],
    });
    expect(chat.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'Looking it up.',
        tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_a', content: 'found' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_b', type: 'function', function: { name: 'lookup', arguments: '{"again":true}' } }],
      },
    ]);
  });

  it('puts the history after the instructions and before the input', () => {
    const history: ResponsesInputItem[] = [
      { role: 'user', content: 'My name is Ada.' },
      {
        type: 'message',
        id: 'msg_x',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello Ada.', annotations: [] }],
      },
    ];
    const chat = translate({ model: 'demo-chat', instructions: 'Be kind.', input: 'What is my name?' }, history);
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Hello Ada.' },
      { role: 'user', content: 'What is my name?' },
    ]);
  });

  it('maps function tools, tool_choice and the sampling settings, and leaves the Response-only ones out', () => {
    const chat = translate({
      model: 'demo-chat',
      input: 'Hi',
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Weather by city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
        { type: 'function', name: 'now', parameters: null, strict: null },
      ],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 300,
      user: 'user-1',
      metadata: { team: 'search' },
      store: true,
      previous_response_id: null,
      truncation: 'auto',
      reasoning: { effort: 'low' },
      include: ['message.output_text.logprobs'],
    });
    expect(chat).toEqual({
      model: 'demo-chat',
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather by city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            strict: true,
          },
        },
        { type: 'function', function: { name: 'now' } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 300,
      user: 'user-1',
    });
  });

  it.each(['auto', 'none', 'required'] as const)('passes tool_choice %s through', (choice) => {
    expect(translate({ model: 'demo-chat', input: 'Hi', tool_choice: choice }).tool_choice).toBe(choice);
  });

  it('asks a streamed upstream for usage', () => {
    const chat = responsesRequestToOpenAiChat({ model: 'demo-chat', input: 'Hi', stream: true }, { history: [] });
    expect(chat).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('maps text.format to response_format', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    expect(
      translate({
        model: 'demo-chat',
        input: 'Hi',
        text: { format: { type: 'json_schema', name: 'answer', schema, strict: true, description: 'The answer' } },
      }).response_format,
    ).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema, strict: true, description: 'The answer' },
    });
    expect(
      translate({ model: 'demo-chat', input: 'Hi', text: { format: { type: 'json_object' } } }).response_format,
    ).toEqual({ type: 'json_object' });
    expect(translate({ model: 'demo-chat', input: 'Hi', text: { format: { type: 'text' } } })).not.toHaveProperty(
      'response_format',
    );
  });

  it.each([
    [
      'a hosted tool',
      { model: 'demo-chat', input: 'Hi', tools: [{ type: 'web_search' }] },
      'tools[0].type',
      /web_search is not supported/,
    ],
    [
      'an item reference',
      {
        model: 'demo-chat',
        input: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
          { role: 'user', content: 'Again' },
          { type: 'item_reference', id: 'msg_1' },
        ],
      },
      'input[3].type',
      /item_reference/,
    ],
    [
      'an item reference without a type',
      { model: 'demo-chat', input: [{ id: 'msg_1' }] },
      'input[0].type',
      /item_reference/,
    ],
    [
      'a hosted tool call item',
      { model: 'demo-chat', input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] },
      'input[0].type',
      /web_search_call/,
    ],
    [
      'an image by file id',
      {
        model: 'demo-chat',
        input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] }],
      },
      'input[0].content[0].file_id',
      /file_id/,
    ],
    [
      'a file part',
      {
        model: 'demo-chat',
        input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }],
      },
      'input[0].content[0].type',
      /input_file/,
    ],
    [
      'an image in a system message',
      {
        model: 'demo-chat',
        input: [
          {
            role: 'system',
            content: [{ type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }],
          },
        ],
      },
      'input[0].content[0].type',
      /input_image/,
    ],
    [
      'an image as a tool result',
      {
        model: 'demo-chat',
        input: [
          { type: 'function_call', call_id: 'call_a', name: 'shot', arguments: '{}' },
          {
            type: 'function_call_output',
            call_id: 'call_a',
            output: [{ type: 'input_image', image_url: 'https://example.com/a.png' }],
          },
        ],
      },
      'input[1].output[0].type',
      /input_image/,
    ],
    [
      'a hosted tool choice',
      { model: 'demo-chat', input: 'Hi', tool_choice: { type: 'file_search' } },
      'tool_choice',
      /tool_choice/,
    ],
    ['background mode', { model: 'demo-chat', input: 'Hi', background: true }, 'background', /Background/],
    ['no input at all', { model: 'demo-chat', instructions: 'Be brief.' }, 'input', /at least one message/],
  ] as [string, SdkRequest, string, RegExp][])(
    'refuses %s with the path of the field',
    (_case, request, param, message) => {
      const error = translationError(() => translate(request));
      expect(error.param).toBe(param);
      expect(error.message).toMatch(message);
    },
  );

  it('blames previous_response_id for a stored item it cannot replay', () => {
    const computerCall = { type: 'computer_call', id: 'cu_1', call_id: 'call_1', status: 'completed' };
    const error = translationError(() => translate({ model: 'demo-chat', input: 'Hi' }, [computerCall]));
    expect(error.param).toBe('previous_response_id');
  });
});

describe('responsesConversationItems', () => {
  const context = (request: ResponsesRequest) => ({
    id: 'resp_1',
    model: 'demo-chat',
    createdAt: 1,
    request,
    previousResponseId: null,
    store: true,
  });

  it('is the input, then the output, and replays as the same conversation', () => {
    const request: ResponsesRequest = { model: 'demo-chat', input: 'Weather in Paris?' };
    const response = openAiChatResponseToResponses(
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'Checking.',
              refusal: null,
              tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
            },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
      },
      context(request),
    );
    const items = responsesConversationItems(request, response);
    expect(items).toEqual([{ role: 'user', content: 'Weather in Paris?' }, ...response.output]);

    const followUp = responsesRequestToOpenAiChat(
      { model: 'demo-chat', input: [{ type: 'function_call_output', call_id: 'call_a', output: 'sunny' }] },
      { history: items },
    );
    expect(followUp.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
    ]);
  });

  it('keeps an array input as given', () => {
    const input: ResponsesInputItem[] = [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }];
    const request: ResponsesRequest = { model: 'demo-chat', input };
    const response = openAiChatResponseToResponses(
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hello', refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
      },
      context(request),
    );
    expect(responsesConversationItems(request, response)).toEqual([...input, ...response.output]);
  });
});
