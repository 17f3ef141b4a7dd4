import type { IncomingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { MockProviderConfig } from '@gatehouse/config';
import { ProviderError } from '../errors/provider-error';

export type FailMode = 'abort' | 'error';

/** What a request asked the mock to simulate, from its `x-mock-*` headers over the env defaults. */
export interface FaultPlan {
  /** Wait before the response headers. */
  delayMs: number;
  /** Fail the request with this status (>= 400); a 2xx/3xx value means "answer normally". */
  status: number | undefined;
  /** `retry-after` seconds sent with an injected error (429 gets 1 by default). */
  retryAfterSeconds: number | undefined;
  /** Content chunks per streamed answer (and the floor of the answer length in tokens). */
  chunks: number;
  /** Pause between streamed content chunks. */
  chunkDelayMs: number;
  /** Pause after a stream's headers and opening events, before its first content chunk (a model still thinking). */
  firstChunkDelayMs: number;
  /** Break a stream after this many content chunks. */
  failAfterChunks: number | undefined;
  /** How a stream breaks: `abort` cuts the connection, `error` sends a provider error event and ends. */
  failMode: FailMode;
  /** Code points per streamed chunk of a `say:` answer (see scripted-answers.ts). */
  sayChunk: number;
}

export const FAULT_HEADERS = {
  delayMs: 'x-mock-delay-ms',
  status: 'x-mock-status',
  retryAfter: 'x-mock-retry-after',
  chunks: 'x-mock-chunks',
  chunkDelayMs: 'x-mock-chunk-delay-ms',
  firstChunkDelayMs: 'x-mock-first-chunk-delay-ms',
  failAfterChunks: 'x-mock-fail-after-chunks',
  failMode: 'x-mock-fail-mode',
  sayChunk: 'x-mock-say-chunk',
} as const;

/** The same bounds as the env variables in `mockProviderConfigSchema`. */
const BOUNDS = {
  delayMs: [0, 600_000],
  status: [200, 599],
  retryAfter: [0, 86_400],
  chunks: [1, 100_000],
  chunkDelayMs: [0, 60_000],
  firstChunkDelayMs: [0, 60_000],
  failAfterChunks: [0, 100_000],
  sayChunk: [1, 100_000],
} as const;

function readInteger(headers: IncomingHttpHeaders, name: string, [min, max]: readonly [number, number]) {
  const raw = headers[name];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw[0] : raw;
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new ProviderError(400, `Header ${name} must be an integer from ${min} to ${max}.`, { param: name });
  }
  return value;
}

function readFailMode(headers: IncomingHttpHeaders): FailMode {
  const raw = headers[FAULT_HEADERS.failMode];
  if (raw === undefined || raw === 'abort') return 'abort';
  if (raw === 'error') return 'error';
  throw new ProviderError(400, `Header ${FAULT_HEADERS.failMode} must be abort or error.`, {
    param: FAULT_HEADERS.failMode,
  });
}

/** Reads the fault headers; an invalid value is a 400 so that a mistyped test header fails loudly. */
export function readFaultPlan(headers: IncomingHttpHeaders, defaults: MockProviderConfig['defaults']): FaultPlan {
  return {
    delayMs: readInteger(headers, FAULT_HEADERS.delayMs, BOUNDS.delayMs) ?? defaults.delayMs,
    status: readInteger(headers, FAULT_HEADERS.status, BOUNDS.status) ?? defaults.status,
    retryAfterSeconds: readInteger(headers, FAULT_HEADERS.retryAfter, BOUNDS.retryAfter),
    chunks: readInteger(headers, FAULT_HEADERS.chunks, BOUNDS.chunks) ?? defaults.chunks,
    chunkDelayMs: readInteger(headers, FAULT_HEADERS.chunkDelayMs, BOUNDS.chunkDelayMs) ?? defaults.chunkDelayMs,
    firstChunkDelayMs:
      readInteger(headers, FAULT_HEADERS.firstChunkDelayMs, BOUNDS.firstChunkDelayMs) ?? defaults.firstChunkDelayMs,
    failAfterChunks: readInteger(headers, FAULT_HEADERS.failAfterChunks, BOUNDS.failAfterChunks),
    failMode: readFailMode(headers),
    sayChunk: readInteger(headers, FAULT_HEADERS.sayChunk, BOUNDS.sayChunk) ?? defaults.sayChunk,
  };
}

/** The error an injected status produces, or undefined when the plan answers normally. */
export function injectedError(plan: FaultPlan): ProviderError | undefined {
  if (plan.status === undefined || plan.status < 400) return undefined;
  const retryAfter = plan.retryAfterSeconds ?? (plan.status === 429 ? 1 : undefined);
  return new ProviderError(
    plan.status,
    `Mock provider: injected ${plan.status} ${STATUS_CODES[plan.status] ?? 'error'}.`,
    retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } },
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the fault hook of the provider routes before any handler runs. */
    mockFaults: FaultPlan;
  }
}
