import { guardFeatures, semanticMatchAllowed, semanticPromptText } from './semantic-guards';

const refused = (query: string, cached: string) => semanticMatchAllowed(query, cached);

describe('semanticMatchAllowed', () => {
  it.each([
    ['How do I reverse a list in Python?', 'What is the way to reverse a Python list?'],
    ['Why doesn’t my build start?', "Why won't my build start?"],
    ['What is 2 + 2?', 'what is 2+2'],
    ['Costs over 1,000 dollars', 'costs over 1000 dollars'],
    ['Is 2.50 the price?', 'Is the price 2.5?'],
    ['Python: how do I sort a list?', 'How do I sort a list in Python?'],
    ['HOW DO I SORT A LIST', 'How do I sort a list'],
    ['What are the twelve months?', 'What are the 12 months?'],
    ["What is Python's GIL?", 'Explain the GIL in python'],
  ])('lets %j match %j', (query, cached) => {
    expect(semanticMatchAllowed(query, cached)).toEqual({ allowed: true });
  });

  it.each([
    ['Is it safe to eat raw eggs?', 'Is it not safe to eat raw eggs?'],
    ['Should I ever reuse passwords?', 'Should I never reuse passwords?'],
    ['Is there sugar in this recipe?', 'Is there no sugar in this recipe?'],
    ['Can I bake bread with yeast?', 'Can I bake bread without yeast?'],
    ['Is the server running?', "Isn't the server running?"],
    ['Why does my test pass?', "Why don't my tests pass?"],
    ['I can do it', 'I cannot do it'],
  ])('refuses a difference in negation: %j / %j', (query, cached) => {
    expect(refused(query, cached)).toEqual({ allowed: false, reason: 'negation' });
  });

  it.each([
    ['What is 2 + 2?', 'What is 2 + 3?'],
    ['What is 3 - 2?', 'What is 2 - 3?'],
    ['Events on 2024-05-01', 'Events on 2024-05-02'],
    ['Convert $250 to euros', 'Convert $2500 to euros'],
    ['Recipe for two people', 'Recipe for four people'],
    ['What is 1.5 times 4?', 'What is 15 times 4?'],
    ['Top 10 films', 'Top films'],
  ])('refuses a difference in numbers: %j / %j', (query, cached) => {
    expect(refused(query, cached)).toEqual({ allowed: false, reason: 'number' });
  });

  it.each([
    ['What is the capital of France?', 'What is the capital of Germany?'],
    ['what is the capital of france', 'What is the capital of Germany?'],
    ['How do I deploy to AWS?', 'How do I deploy to Azure?'],
    ['Is the iPhone waterproof?', 'Is the Pixel waterproof?'],
    ['Who wrote Hamlet?', 'Who wrote Macbeth?'],
    ['JavaScript closures explained', 'TypeScript closures explained'],
  ])('refuses a difference in named entities: %j / %j', (query, cached) => {
    expect(refused(query, cached)).toEqual({ allowed: false, reason: 'entity' });
  });

  it('refuses a different system prompt or conversation, whatever the text', () => {
    const base = semanticPromptText('chat.completions', {
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'What is a closure?' },
      ],
    });
    const otherSystem = semanticPromptText('chat.completions', {
      messages: [
        { role: 'system', content: 'Answer in German.' },
        { role: 'user', content: 'What is a closure?' },
      ],
    });
    const otherHistory = semanticPromptText('chat.completions', {
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'I write Rust.' },
        { role: 'assistant', content: 'Noted.' },
        { role: 'user', content: 'What is a closure?' },
      ],
    });
    if (!base || !otherSystem || !otherHistory) throw new Error('expected prompts');
    expect(semanticMatchAllowed(base, base)).toEqual({ allowed: true });
    expect(semanticMatchAllowed(base, otherSystem)).toEqual({ allowed: false, reason: 'system_prompt' });
    expect(semanticMatchAllowed(base, otherHistory)).toEqual({ allowed: false, reason: 'conversation' });
    expect(semanticMatchAllowed(base, 'What is a closure?')).toEqual({ allowed: false, reason: 'system_prompt' });
  });
});

describe('guardFeatures', () => {
  it('counts negations, contractions included, in any apostrophe', () => {
    expect(guardFeatures("I don't know, it isn’t there and never was; no, nothing without it").negations).toBe(6);
  });

  it('reads numbers in order, normalised', () => {
    expect(guardFeatures('Pay 1,000.50 then 2,5 and 007 on twenty days, 3.0 each').numbers).toEqual([
      '1000.5',
      '2.5',
      '7',
      '20',
      '3',
    ]);
  });

  it('takes capitalised words past the first of each sentence (or after a colon) as entities', () => {
    const features = guardFeatures('Where is Paris? Tell me about NASA and Rome. Why: Lisbon and I. JavaScript is fun');
    expect([...features.entities].sort()).toEqual(['javascript', 'nasa', 'paris', 'rome']);
  });
});

describe('semanticPromptText', () => {
  it('takes the last user turn of a chat, its text parts joined', () => {
    const prompt = semanticPromptText('chat.completions', {
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is' },
            { type: 'text', text: 'a monad?' },
          ],
        },
      ],
    });
    expect(prompt?.text).toBe('What is\na monad?');
    expect(prompt?.systemHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads a Responses call as the chat completions body it is served as', () => {
    const body = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is a monad?' },
      ],
    };
    expect(semanticPromptText('responses', body)).toEqual(semanticPromptText('chat.completions', body));
    expect(semanticPromptText('responses', body)?.text).toBe('What is a monad?');
  });

  it('hashes system instructions apart from the conversation, the same whatever their key order', () => {
    const first = semanticPromptText('messages', {
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const second = semanticPromptText('messages', {
      system: [{ cache_control: { type: 'ephemeral' }, text: 'Be brief.', type: 'text' }],
      messages: [{ content: 'Hi', role: 'user' }],
    });
    const none = semanticPromptText('messages', { messages: [{ role: 'user', content: 'Hi' }] });
    expect(first).toEqual(second);
    expect(first?.historyHash).toBe(none?.historyHash);
    expect(first?.systemHash).not.toBe(none?.systemHash);
  });

  it('keeps what follows the last user turn (an assistant prefill) in the history', () => {
    const withPrefill = semanticPromptText('messages', {
      messages: [
        { role: 'user', content: 'Name a colour' },
        { role: 'assistant', content: 'Blue' },
      ],
    });
    const without = semanticPromptText('messages', { messages: [{ role: 'user', content: 'Name a colour' }] });
    expect(withPrefill?.text).toBe('Name a colour');
    expect(withPrefill?.historyHash).not.toBe(without?.historyHash);
  });

  it('reads a legacy prompt string, or a list of one', () => {
    expect(semanticPromptText('completions', { prompt: 'Once upon' })?.text).toBe('Once upon');
    expect(semanticPromptText('completions', { prompt: ['Once upon'] })?.text).toBe('Once upon');
  });

  it.each([
    ['embeddings', { input: 'x' }],
    ['completions', { prompt: ['a', 'b'] }],
    ['completions', { prompt: [1, 2, 3] }],
    ['chat.completions', { messages: [{ role: 'system', content: 'only a system prompt' }] }],
    ['chat.completions', { messages: [{ role: 'user', content: '   ' }] }],
    [
      'chat.completions',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this picture?' },
              { type: 'image_url', image_url: { url: 'data:' } },
            ],
          },
        ],
      },
    ],
    [
      'messages',
      { messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'sunny' }] }] },
    ],
    ['chat.completions', { messages: 'not a list' }],
  ] as const)('gives nothing to embed for %s %j', (endpoint, body) => {
    expect(semanticPromptText(endpoint, body)).toBeNull();
  });
});
