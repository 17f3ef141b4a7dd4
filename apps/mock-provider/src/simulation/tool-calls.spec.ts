import { ProviderError } from '../errors/provider-error';
import { answerWithTools, argumentPieces, type ToolRequest } from './tool-calls';

const weather = { name: 'get_weather', schema: { type: 'object', properties: { city: { type: 'string' } } } };
const time = { name: 'get_time', schema: { type: 'object', properties: { zone: { type: 'string' } } } };

function request(overrides: Partial<ToolRequest>): ToolRequest {
  return {
    tools: [weather, time],
    choice: { mode: 'auto' },
    parallel: true,
    messages: [{ role: 'user', content: 'call:get_weather' }],
    trailingResults: undefined,
    ...overrides,
  };
}

function calledNames(overrides: Partial<ToolRequest>): string[] | undefined {
  const answer = answerWithTools(request(overrides));
  if (answer?.kind === 'results') throw new Error('expected calls');
  return answer?.calls.map((call) => call.name);
}

describe('answerWithTools', () => {
  it('calls the tool a `call:` prompt names, with its arguments as JSON', () => {
    expect(answerWithTools(request({}))).toEqual({
      kind: 'calls',
      calls: [{ name: 'get_weather', input: { city: 'mock city' }, json: '{"city":"mock city"}' }],
      // ceil(("get_weather" + '{"city":"mock city"}').length / 4) = ceil(31 / 4)
      outputTokens: 8,
    });
  });

  it('calls two tools in parallel when two names are given, spaces around the comma allowed', () => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'call:get_weather , get_time and more' }] }];
    expect(calledNames({ messages })).toEqual(['get_weather', 'get_time']);
    expect(calledNames({ messages, parallel: false })).toEqual(['get_weather']);
  });

  it('lets a forcing tool_choice decide: a named tool always, `required` the first tool without `call:`', () => {
    const chat = [{ role: 'user', content: 'What is the weather?' }];
    expect(calledNames({ messages: chat, choice: { mode: 'tool', name: 'get_time' } })).toEqual(['get_time']);
    expect(calledNames({ choice: { mode: 'tool', name: 'get_time' } })).toEqual(['get_time']);
    expect(calledNames({ messages: chat, choice: { mode: 'required' } })).toEqual(['get_weather']);
    expect(
      calledNames({ messages: [{ role: 'user', content: 'call:get_time' }], choice: { mode: 'required' } }),
    ).toEqual(['get_time']);
  });

  it('calls nothing without tools, with tool_choice none, or when nothing asks for a call', () => {
    expect(answerWithTools(request({ tools: [] }))).toBeUndefined();
    expect(answerWithTools(request({ choice: { mode: 'none' } }))).toBeUndefined();
    expect(
      answerWithTools(request({ messages: [{ role: 'user', content: 'echo: call:get_weather' }] })),
    ).toBeUndefined();
  });

  it('answers the text of the tool results once the conversation ends with them', () => {
    const answer = answerWithTools(request({ trailingResults: ['{"temp":21}', 'sunny'] }));
    expect(answer).toEqual({
      kind: 'results',
      answer: { text: '{"temp":21}\nsunny', tokens: ['{"temp":21}', '\nsunny'], cause: 'natural', stopSequence: null },
    });
  });

  it('refuses a `call:` of a tool the request does not offer with a 400 naming it', () => {
    const call = () => answerWithTools(request({ messages: [{ role: 'user', content: 'call:get_stock' }] }));
    expect(call).toThrow(ProviderError);
    expect(call).toThrow("no tool named 'get_stock'");
  });
});

describe('argumentPieces', () => {
  it('splits the JSON into min(chunks, length) pieces that join back to it', () => {
    const json = '{"city":"mock city"}';
    const pieces = argumentPieces(json, 8);
    expect(pieces).toHaveLength(8);
    expect(pieces.join('')).toBe(json);
    expect(pieces.every((piece) => piece.length > 0)).toBe(true);
    expect(argumentPieces('{}', 8)).toEqual(['{', '}']);
  });

  it('never cuts a surrogate pair', () => {
    expect(argumentPieces('"😀😀"', 4)).toEqual(['"', '😀', '😀', '"']);
  });
});
