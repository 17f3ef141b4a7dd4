import { testConfig } from '../../test/mock-provider-testing';
import { ProviderError } from '../errors/provider-error';
import { injectedError, readFaultPlan } from './fault-injection';

describe('readFaultPlan', () => {
  const defaults = testConfig().defaults;

  it('falls back to the env defaults', () => {
    expect(readFaultPlan({}, defaults)).toEqual({
      delayMs: 0,
      status: undefined,
      retryAfterSeconds: undefined,
      chunks: 8,
      chunkDelayMs: 0,
      firstChunkDelayMs: 0,
      failAfterChunks: undefined,
      failMode: 'abort',
      sayChunk: 3,
    });
    const custom = testConfig({
      MOCK_DELAY_MS: '5',
      MOCK_CHUNKS: '3',
      MOCK_CHUNK_DELAY_MS: '2',
      MOCK_FIRST_CHUNK_DELAY_MS: '9',
      MOCK_STATUS: '503',
      MOCK_SAY_CHUNK: '7',
    });
    expect(readFaultPlan({}, custom.defaults)).toMatchObject({
      delayMs: 5,
      chunks: 3,
      chunkDelayMs: 2,
      firstChunkDelayMs: 9,
      status: 503,
      sayChunk: 7,
    });
  });

  it('reads every header over the defaults', () => {
    const plan = readFaultPlan(
      {
        'x-mock-delay-ms': '250',
        'x-mock-status': '429',
        'x-mock-retry-after': '7',
        'x-mock-chunks': '1000',
        'x-mock-chunk-delay-ms': '3',
        'x-mock-first-chunk-delay-ms': '40',
        'x-mock-fail-after-chunks': '2',
        'x-mock-fail-mode': 'error',
        'x-mock-say-chunk': '1',
      },
      testConfig({ MOCK_STATUS: '500' }).defaults,
    );
    expect(plan).toEqual({
      delayMs: 250,
      status: 429,
      retryAfterSeconds: 7,
      chunks: 1000,
      chunkDelayMs: 3,
      firstChunkDelayMs: 40,
      failAfterChunks: 2,
      failMode: 'error',
      sayChunk: 1,
    });
  });

  it.each([
    ['x-mock-delay-ms', 'soon'],
    ['x-mock-delay-ms', '-1'],
    ['x-mock-status', '700'],
    ['x-mock-status', '4.5'],
    ['x-mock-chunks', '0'],
    ['x-mock-chunks', ''],
    ['x-mock-fail-mode', 'explode'],
    ['x-mock-say-chunk', '0'],
    ['x-mock-say-chunk', 'two'],
  ])('rejects %s: %j with a 400', (header, value) => {
    expect(() => readFaultPlan({ [header]: value }, defaults)).toThrow(ProviderError);
    try {
      readFaultPlan({ [header]: value }, defaults);
    } catch (error) {
      expect((error as ProviderError).status).toBe(400);
      expect((error as ProviderError).message).toContain(header);
    }
  });
});

describe('injectedError', () => {
  const plan = readFaultPlan({}, testConfig().defaults);

  it('answers normally without a status, or with a status below 400', () => {
    expect(injectedError(plan)).toBeUndefined();
    expect(injectedError({ ...plan, status: 200 })).toBeUndefined();
  });

  it('gives a 429 a retry-after of 1 unless told otherwise', () => {
    expect(injectedError({ ...plan, status: 429 })?.headers).toEqual({ 'retry-after': '1' });
    expect(injectedError({ ...plan, status: 429, retryAfterSeconds: 30 })?.headers).toEqual({ 'retry-after': '30' });
    expect(injectedError({ ...plan, status: 500 })?.headers).toEqual({});
    expect(injectedError({ ...plan, status: 503, retryAfterSeconds: 2 })?.headers).toEqual({ 'retry-after': '2' });
  });
});
