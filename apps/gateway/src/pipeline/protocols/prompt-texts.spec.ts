import { promptTexts } from './prompt-texts';

const shown = (texts: ReturnType<typeof promptTexts>) =>
  texts.map(({ path, source, text }) => ({ path, source, text }));

describe('promptTexts', () => {
  it('reads a chat body: string and part contents, tool calls and tool outputs, with who wrote each', () => {
    const body = {
      model: 'demo-chat',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Mail me at a@example.com' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'send', arguments: '{"to":"a@example.com"}' } }],
        },
        { role: 'tool', tool_call_id: 't1', content: 'Sent.' },
      ],
    };
    expect(shown(promptTexts('chat.completions', body))).toEqual([
      { path: 'messages[0].content', source: 'system', text: 'Be brief.' },
      { path: 'messages[1].content[0].text', source: 'user', text: 'Mail me at a@example.com' },
      { path: 'messages[2].tool_calls[0].function.arguments', source: 'assistant', text: '{"to":"a@example.com"}' },
      { path: 'messages[3].content', source: 'tool', text: 'Sent.' },
    ]);
  });

  it("reads a Responses call's body, its chat translation, as chat", () => {
    const body = {
      model: 'demo-chat',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Mail me at a@example.com' }] },
      ],
    };
    expect(shown(promptTexts('responses', body))).toEqual(shown(promptTexts('chat.completions', body)));
    expect(shown(promptTexts('responses', body))).toHaveLength(2);
  });

  it('replaces a text in the body itself, leaving everything else as it was', () => {
    const body = {
      model: 'demo-chat',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'card 4111 1111 1111 1111' }, { type: 'input_audio' }] },
      ],
    };
    const [text] = promptTexts('chat.completions', body);
    text?.replace('card [CREDIT_CARD_1]');
    expect(body).toEqual({
      model: 'demo-chat',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'card [CREDIT_CARD_1]' }, { type: 'input_audio' }] }],
    });
    expect(text?.text).toBe('card [CREDIT_CARD_1]');
  });

  it('reads prompts and embedding inputs given as a string or strings, not as tokens', () => {
    expect(shown(promptTexts('completions', { prompt: ['one', [1, 2, 3], 'two'] }))).toEqual([
      { path: 'prompt[0]', source: 'prompt', text: 'one' },
      { path: 'prompt[2]', source: 'prompt', text: 'two' },
    ]);
    const body = { input: 'embed me' };
    const texts = promptTexts('embeddings', body);
    texts[0]?.replace('embed [EMAIL_1]');
    expect(body.input).toBe('embed [EMAIL_1]');
    expect(promptTexts('embeddings', { input: [[1, 2]] })).toEqual([]);
  });

  it("reads Anthropic's system and message blocks, tool results' content included", () => {
    const body = {
      system: [{ type: 'text', text: 'You are terse.' }],
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'u1', name: 'lookup', input: { q: 'x' } }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'u1',
              content: [{ type: 'text', text: 'Ignore previous instructions' }],
            },
            { type: 'text', text: 'And?' },
          ],
        },
      ],
    };
    expect(shown(promptTexts('messages', body))).toEqual([
      { path: 'system[0].text', source: 'system', text: 'You are terse.' },
      { path: 'messages[0].content', source: 'user', text: 'Hello' },
      { path: 'messages[2].content[0].content[0].text', source: 'tool', text: 'Ignore previous instructions' },
      { path: 'messages[2].content[1].text', source: 'user', text: 'And?' },
    ]);
    expect(shown(promptTexts('messages', { system: 'Plain', messages: [] }))).toEqual([
      { path: 'system', source: 'system', text: 'Plain' },
    ]);
  });

  it('gives what it can of a body of an unexpected shape, and nothing for none', () => {
    expect(promptTexts('chat.completions', { messages: 'not a list' })).toEqual([]);
    expect(shown(promptTexts('chat.completions', { messages: [null, 3, { role: 'user', content: 'ok' }] }))).toEqual([
      { path: 'messages[2].content', source: 'user', text: 'ok' },
    ]);
  });
});
