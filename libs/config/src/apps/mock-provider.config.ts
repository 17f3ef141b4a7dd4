import { z } from 'zod';
import { logFormat, logLevel, port } from '../fields';

export const mockProviderConfigSchema = z
  .object({
    LOG_LEVEL: logLevel,
    LOG_FORMAT: logFormat,
    MOCK_PROVIDER_HOST: z.string().default('0.0.0.0'),
    MOCK_PROVIDER_PORT: port(8090),
    /** Latency added before every response, unless a request's `x-mock-delay-ms` says otherwise. */
    MOCK_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
    /** Content chunks in a streamed response, unless a request's `x-mock-chunks` says otherwise. */
    MOCK_CHUNKS: z.coerce.number().int().min(1).max(100_000).default(8),
    /** Pause between streamed chunks. */
    MOCK_CHUNK_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    /** Pause after a stream's headers before its first content chunk, unless `x-mock-first-chunk-delay-ms` says. */
    MOCK_FIRST_CHUNK_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    /** Characters (code points) per streamed chunk of a `say:` answer, unless `x-mock-say-chunk` says otherwise. */
    MOCK_SAY_CHUNK: z.coerce.number().int().min(1).max(100_000).default(3),
    /** Every response fails with this status, unless a request's `x-mock-status` says otherwise. */
    MOCK_STATUS: z.coerce.number().int().min(200).max(599).optional(),
  })
  .transform((env) => ({
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    http: { host: env.MOCK_PROVIDER_HOST, port: env.MOCK_PROVIDER_PORT },
    defaults: {
      delayMs: env.MOCK_DELAY_MS,
      chunks: env.MOCK_CHUNKS,
      chunkDelayMs: env.MOCK_CHUNK_DELAY_MS,
      firstChunkDelayMs: env.MOCK_FIRST_CHUNK_DELAY_MS,
      status: env.MOCK_STATUS,
      sayChunk: env.MOCK_SAY_CHUNK,
    },
  }));

export type MockProviderConfig = z.output<typeof mockProviderConfigSchema>;
