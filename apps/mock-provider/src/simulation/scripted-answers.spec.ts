import { scriptedAnswer, splitByCodePoints, streamPieces, wordTokens, type ScriptedAnswer } from './scripted-answers';

/** The scripted answer to one user message, which must be scripted. */
function scriptedReply(content: string): ScriptedAnswer {
  const answer = scriptedAnswer({ messages: [{ role: 'user', content }] });
  if (answer === undefined) throw new Error(`Not a scripted message: ${content}`);
  return answer;
}

describe('scriptedAnswer', () => {
  it('leaves a conversation without a script to the generator', () => {
    expect(scriptedAnswer({ messages: [{ role: 'user', content: 'Hello there.' }] })).toBeUndefined();
    expect(scriptedAnswer({ messages: [{ role: 'user', content: ' say: leading space' }] })).toBeUndefined();
    expect(scriptedAnswer({ messages: [{ role: 'user', content: 'Say: capitalised' }] })).toBeUndefined();
    expect(scriptedAnswer({ messages: [{ role: 'system', content: 'say:not a user' }] })).toBeUndefined();
  });

  it('looks at the last user message only', () => {
    const earlier = [
      { role: 'user', content: 'say:old' },
      { role: 'assistant', content: 'old' },
      { role: 'user', content: 'Something else.' },
    ];
    expect(scriptedAnswer({ messages: earlier })).toBeUndefined();
    const afterTool = [
      { role: 'user', content: 'say:still me' },
      { role: 'assistant', content: null, tool_calls: [] },
      { role: 'tool', content: 'echo: a tool result' },
    ];
    expect(scriptedAnswer({ messages: afterTool })?.answer.text).toBe('still me');
  });

  describe('say:', () => {
    it('answers exactly the text after the prefix, spaces and newlines included', () => {
      expect(scriptedReply('say:hello').answer.text).toBe('hello');
      expect(scriptedReply('say: hello \n').answer.text).toBe(' hello \n');
      expect(scriptedReply('say:')).toEqual({
        script: 'say',
        answer: { tokens: [], text: '', cause: 'natural', stopSequence: null },
      });
    });

    it('reads the text parts of an array content, joined as they come', () => {
      const content = [
        { type: 'text', text: 'say:a@b' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        { type: 'text', text: '.com' },
      ];
      expect(scriptedAnswer({ messages: [{ role: 'user', content }] })).toMatchObject({
        script: 'say',
        answer: { text: 'a@b.com', cause: 'natural', stopSequence: null },
      });
    });

    it('finds the prefix after the tool results Anthropic puts first in a user message', () => {
      const content = [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' },
        { type: 'text', text: 'say:done' },
      ];
      expect(scriptedAnswer({ messages: [{ role: 'user', content }] })?.answer.text).toBe('done');
    });
  });

  describe('echo:', () => {
    it('answers every message as received, one per line, an Anthropic system prompt first', () => {
      const answer = scriptedAnswer({
        system: [
          { type: 'text', text: 'Be ' },
          { type: 'text', text: 'brief.' },
        ],
        messages: [
          { role: 'user', content: 'My mail is [EMAIL_1].' },
          { role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '21°C' }] },
              { type: 'tool_result', tool_use_id: 'toolu_2', content: 'rain' },
              { type: 'text', text: 'echo: and now?' },
            ],
          },
        ],
      });
      expect(answer?.script).toBe('echo');
      expect(answer?.answer.text).toBe('Be brief.\nMy mail is [EMAIL_1].\nNoted.\n21°Crainecho: and now?');
    });

    it('keeps a string system prompt, empty contents as empty lines, and OpenAI tool messages', () => {
      const answer = scriptedAnswer({
        system: 'System.',
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: null },
          { role: 'tool', content: [{ type: 'text', text: 'sunny' }] },
          { role: 'user', content: 'echo:' },
        ],
      });
      expect(answer?.answer.text).toBe('System.\nWeather?\n\nsunny\necho:');
    });

    it('counts completion tokens as words', () => {
      expect(scriptedReply('echo: one  two\nthree ').answer.tokens).toEqual(['echo:', ' one', '  two', '\nthree ']);
    });
  });
});

describe('wordTokens', () => {
  it.each([
    ['', []],
    ['   ', ['   ']],
    ['word', ['word']],
    ['  lead and trail  ', ['  lead', ' and', ' trail  ']],
    ['tab\tand\nnewline', ['tab', '\tand', '\nnewline']],
  ])('splits %j into %j', (text, tokens) => {
    expect(wordTokens(text)).toEqual(tokens);
    expect(wordTokens(text).join('')).toBe(text);
  });

  it('stays fast on a long run of trailing whitespace', () => {
    const started = Date.now();
    expect(wordTokens(`x${' '.repeat(200_000)}`)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('splitByCodePoints', () => {
  it('cuts pieces of the given size, the last one shorter', () => {
    expect(splitByCodePoints('hello world', 3)).toEqual(['hel', 'lo ', 'wor', 'ld']);
    expect(splitByCodePoints('abc', 3)).toEqual(['abc']);
    expect(splitByCodePoints('abc', 10)).toEqual(['abc']);
  });

  it('never splits a surrogate pair', () => {
    expect(splitByCodePoints('a😀b😀', 1)).toEqual(['a', '😀', 'b', '😀']);
    expect(splitByCodePoints('😀😀😀', 2)).toEqual(['😀😀', '😀']);
  });

  it('gives an empty text one empty piece, so a stream still has a content event', () => {
    expect(splitByCodePoints('', 3)).toEqual(['']);
  });
});

describe('streamPieces', () => {
  const plan = { chunks: 2, sayChunk: 4 };

  it('streams a say: answer in sayChunk code points, ignoring the chunk count', () => {
    const say = scriptedReply('say:card 4111 1111');
    expect(streamPieces(say.answer, say.script, plan)).toEqual(['card', ' 411', '1 11', '11']);
  });

  it('streams an echo: answer and a generated one by words, in at most chunks pieces', () => {
    const echo = scriptedReply('echo: one two three');
    expect(streamPieces(echo.answer, echo.script, plan)).toEqual(['echo: one', ' two three']);
    const generated = { tokens: ['A', ' b', ' c.'], text: 'A b c.', cause: 'natural' as const, stopSequence: null };
    expect(streamPieces(generated, undefined, plan)).toEqual(['A', ' b c.']);
  });
});
