import { kindOfName, modelKindOf, wrongKindReason } from './model-kind';

describe('model kinds from names', () => {
  it.each([
    'text-embedding-3-small',
    'text-embedding-ada-002',
    'mistral-embed',
    'embed-english-v3.0',
    'nomic-embed-text',
    'gemini-embedding-001',
    'amazon.titan-embed-text-v2:0',
    'voyage-3',
    'BAAI/bge-m3',
    'intfloat/multilingual-e5-large',
    'thenlper/gte-large',
    'mock-embed',
  ])('reads %s as an embedding model', (name) => {
    expect(kindOfName(name)).toBe('embedding');
  });

  it.each([
    'gpt-4o-mini',
    'o3-mini',
    'o1',
    'claude-3-5-sonnet-20241022',
    'gemini-2.5-pro',
    'meta-llama/Llama-3.1-8B-Instruct',
    'mistral-large-latest',
    'mixtral-8x7b',
    'Qwen/Qwen2.5-72B-Instruct',
    'deepseek-chat',
    'command-r-plus',
    'gpt-3.5-turbo-instruct',
    'davinci-002',
    'mock-chat',
  ])('reads %s as a chat model', (name) => {
    expect(kindOfName(name)).toBe('chat');
  });

  it.each(['my-model', 'whisper-1', 'tts-1', 'dall-e-3', 'text-moderation-latest', 'rerank-2'])(
    'decides nothing for %s',
    (name) => {
      expect(kindOfName(name)).toBeNull();
    },
  );

  it("takes the upstream models' kind, else the alias's, and nothing when they disagree", () => {
    expect(modelKindOf('house-model', ['text-embedding-3-small', 'voyage-3'])).toBe('embedding');
    expect(modelKindOf('house-embed', ['gpt-4o'])).toBe('chat');
    expect(modelKindOf('house-embed', ['custom-1'])).toBe('embedding');
    expect(modelKindOf('house-model', [])).toBeNull();
    expect(modelKindOf('house-model', ['gpt-4o', 'text-embedding-3-small'])).toBeNull();
  });

  it('refuses a model of the other kind, naming what it serves, and lets an unknown kind through', () => {
    expect(wrongKindReason('demo-embed', 'embedding', 'chat.completions')).toBe(
      "The model 'demo-embed' does not support this endpoint: it is an embedding model, for /v1/embeddings only.",
    );
    expect(wrongKindReason('demo-embed', 'embedding', 'messages')).not.toBeNull();
    expect(wrongKindReason('demo-embed', 'embedding', 'completions')).not.toBeNull();
    expect(wrongKindReason('demo-chat', 'chat', 'embeddings')).toBe(
      "The model 'demo-chat' does not support this endpoint: it is a chat model, for /v1/chat/completions, /v1/completions, /v1/messages and /v1/responses only.",
    );
    expect(wrongKindReason('demo-chat', 'chat', 'chat.completions')).toBeNull();
    expect(wrongKindReason('demo-chat', 'chat', 'responses')).toBeNull();
    expect(wrongKindReason('demo-embed', 'embedding', 'responses')).not.toBeNull();
    expect(wrongKindReason('demo-embed', 'embedding', 'embeddings')).toBeNull();
    expect(wrongKindReason('house-model', null, 'embeddings')).toBeNull();
  });
});
