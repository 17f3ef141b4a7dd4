import { ConservativeTokenEstimator } from '@gatehouse/domain';
import { type ModelCall } from './model-call';
import { requestSizeRefusal } from './request-size';

const estimator = new ConservativeTokenEstimator();
const chat = (
  messages: number,
  bodyBytes: number | null = 100,
): Pick<ModelCall, 'endpoint' | 'body' | 'bodyBytes'> => ({
  endpoint: 'chat.completions',
  body: {
    model: 'demo-chat',
    messages: Array.from({ length: messages }, () => ({ role: 'user', content: 'x'.repeat(40) })),
  },
  bodyBytes,
});

describe('request size limits (the validation.maxBodyBytes, maxMessages and maxInputTokens hook)', () => {
  it('admits what is within every limit, and everything without limits', () => {
    expect(
      requestSizeRefusal(chat(3), { maxBodyBytes: 100, maxMessages: 3, maxInputTokens: 1_000 }, estimator),
    ).toBeNull();
    expect(requestSizeRefusal(chat(500, 10_000_000), {}, estimator)).toBeNull();
  });

  it('refuses a body over maxBodyBytes with 413, measured as JSON when it was sent chunked', () => {
    expect(requestSizeRefusal(chat(1, 101), { maxBodyBytes: 100 }, estimator)).toMatchObject({
      status: 413,
      type: 'invalid_request_error',
      message: expect.stringContaining('validation.maxBodyBytes: 100'),
    });
    const chunked = chat(3, null);
    const bytes = Buffer.byteLength(JSON.stringify(chunked.body));
    expect(requestSizeRefusal(chunked, { maxBodyBytes: bytes }, estimator)).toBeNull();
    expect(requestSizeRefusal(chunked, { maxBodyBytes: bytes - 1 }, estimator)).toMatchObject({ status: 413 });
  });

  it('refuses more messages than maxMessages, naming messages', () => {
    expect(requestSizeRefusal(chat(4), { maxMessages: 3 }, estimator)).toMatchObject({
      status: 400,
      code: 'invalid_request_error',
      param: 'messages',
      message: 'messages: 4 messages, more than the policy allows (validation.maxMessages: 3).',
    });
  });

  it('refuses an input estimated above maxInputTokens, naming the field that holds it', () => {
    const estimate = estimator.estimateInputTokens('chat.completions', chat(3).body);
    expect(requestSizeRefusal(chat(3), { maxInputTokens: estimate }, estimator)).toBeNull();
    expect(requestSizeRefusal(chat(3), { maxInputTokens: estimate - 1 }, estimator)).toMatchObject({
      status: 400,
      param: 'messages',
    });
    const embedding = {
      endpoint: 'embeddings' as const,
      body: { model: 'e', input: 'x'.repeat(100) },
      bodyBytes: null,
    };
    expect(requestSizeRefusal(embedding, { maxInputTokens: 10 }, estimator)).toMatchObject({ param: 'input' });
    const completion = {
      endpoint: 'completions' as const,
      body: { model: 'c', prompt: 'x'.repeat(100) },
      bodyBytes: null,
    };
    expect(requestSizeRefusal(completion, { maxInputTokens: 10 }, estimator)).toMatchObject({ param: 'prompt' });
  });
});
