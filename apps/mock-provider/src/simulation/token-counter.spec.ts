import {
  countContentTokens,
  countConversationTokens,
  countTextTokens,
  MESSAGE_OVERHEAD_TOKENS,
  NON_TEXT_PART_TOKENS,
  REPLY_PRIMING_TOKENS,
} from './token-counter';

describe('token counting', () => {
  it('counts text as ceil(characters / 4)', () => {
    expect(countTextTokens('')).toBe(0);
    expect(countTextTokens('abc')).toBe(1);
    expect(countTextTokens('abcd')).toBe(1);
    expect(countTextTokens('abcde')).toBe(2);
    expect(countTextTokens('x'.repeat(4000))).toBe(1000);
  });

  it('counts content parts: text by length, media flat, anything else as JSON', () => {
    expect(countContentTokens('hello world!')).toBe(3);
    expect(countContentTokens(null)).toBe(0);
    expect(
      countContentTokens([
        { type: 'text', text: 'hello world!' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      ]),
    ).toBe(3 + NON_TEXT_PART_TOKENS);
    const toolUse = { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } };
    expect(countContentTokens([toolUse])).toBe(Math.ceil(JSON.stringify(toolUse).length / 4));
  });

  it('adds per-message overhead and reply priming to a conversation', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' }, // 9 chars -> 3
      { role: 'user', content: 'Hello there' }, // 11 chars -> 3
    ];
    expect(countConversationTokens(messages)).toBe(REPLY_PRIMING_TOKENS + 2 * MESSAGE_OVERHEAD_TOKENS + 3 + 3);
  });

  it('counts tool calls and tool definitions as their JSON', () => {
    const toolCalls = [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }];
    const tools = [{ type: 'function', function: { name: 'f', parameters: {} } }];
    const base = countConversationTokens([{ content: null }]);
    expect(countConversationTokens([{ content: null, tool_calls: toolCalls }], tools)).toBe(
      base + countTextTokens(JSON.stringify(toolCalls)) + countTextTokens(JSON.stringify(tools)),
    );
  });
});
