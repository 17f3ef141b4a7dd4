import { EventEmitter } from 'node:events';
import { type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { type Pool } from 'undici';
import {
  backoffDelayMs,
  type Clock,
  isRetryableStatus,
  isTargetSpecificStatus,
  orderByPriorityAndWeight,
  parseRetryAfterMs,
  parseRetryAfterMsHeader,
  type RandomSource,
} from '@gatehouse/domain';
import { type CircuitBreakers } from './circuit-breakers';
import { type ClientSignal } from './client-lifetime';
import { upstreamRequestHeaders } from './upstream-headers';
import { type ResolvedUpstream, type UpstreamPools } from './upstream-pools';
import { UpstreamError, type UpstreamErrorKind } from './upstream.error';
import {
  type UpstreamAttempt,
  type UpstreamCallOptions,
  type UpstreamProviderSummary,
  type UpstreamRequest,
  type UpstreamResponse,
  type UpstreamTarget,
} from './upstream.types';

export interface UpstreamRetryOptions {
  /** Attempts across all targets of one call (circuit-open skips do not count). */
  maxAttempts: number;
  /** Attempts on one target before falling back to the next. */
  maxAttemptsPerTarget: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_UPSTREAM_RETRY_OPTIONS: UpstreamRetryOptions = {
  maxAttempts: 4,
  maxAttemptsPerTarget: 2,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
};

/** Error bodies are kept for pass-through decisions and logs, up to this size; the rest is discarded. */
export const UPSTREAM_ERROR_BODY_LIMIT = 64 * 1024;

export interface UpstreamCallerDependencies {
  clock?: Clock;
  random?: RandomSource;
  /** Told every call's attempts once it is over, answered or failed (the gateway's upstream metrics). */
  observeAttempts?: (attempts: readonly UpstreamAttempt[]) => void;
}

/** Why the per-attempt controller fired: the call's deadline (as opposed to the client leaving). */
class DeadlineReached extends Error {
  constructor() {
    super('upstream deadline reached');
    this.name = 'DeadlineReached';
  }
}

type AttemptResult =
  | {
      kind: 'response';
      status: number;
      headers: IncomingHttpHeaders;
      body: Readable;
      cancellation: AttemptCancellation;
    }
  | { kind: 'failure'; outcome: 'timeout' | 'connection' | 'client_aborted' };

interface LastFailure {
  kind: UpstreamErrorKind;
  status?: number;
  body?: string;
  headers?: IncomingHttpHeaders;
  provider?: UpstreamProviderSummary;
}

/** One target's request, built once before its first attempt: where it goes, what it sends. */
interface PreparedRequest {
  resolved: ResolvedUpstream;
  headers: Record<string, string | string[]>;
  body: string | Uint8Array | AsyncIterable<Uint8Array> | undefined;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Routing and resilience for one upstream call (docs/architecture.md, The gateway): targets in priority order, weighted
 * within a tier; retryable failures (connection errors, timeouts, 429, 5xx) retried on the same target with
 * full-jitter backoff or the upstream's `retry-after`, then the next target; a circuit breaker per target; the
 * whole thing bounded by a deadline on the response headers.
 *
 * The response is returned as soon as its headers arrive, body unread: from then on nothing is retried, because
 * the caller may already have sent bytes to the client. A stream cut later surfaces as an error on `body`.
 */
export class UpstreamCaller {
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly observeAttempts: ((attempts: readonly UpstreamAttempt[]) => void) | undefined;

  constructor(
    private readonly pools: UpstreamPools,
    private readonly breakers: CircuitBreakers,
    private readonly retry: UpstreamRetryOptions = DEFAULT_UPSTREAM_RETRY_OPTIONS,
    dependencies: UpstreamCallerDependencies = {},
  ) {
    this.clock = dependencies.clock ?? Date.now;
    this.random = dependencies.random ?? Math.random;
    this.observeAttempts = dependencies.observeAttempts;
  }

  call(
    request: UpstreamRequest,
    targets: readonly UpstreamTarget[],
    options: UpstreamCallOptions,
  ): Promise<UpstreamResponse> {
    const observe = this.observeAttempts;
    if (observe === undefined) return this.callTargets(request, targets, options);
    return this.callTargets(request, targets, options).then(
      (response) => {
        observe(response.attempts);
        return response;
      },
      (error: unknown) => {
        if (error instanceof UpstreamError) observe(error.attempts);
        throw error;
      },
    );
  }

  private async callTargets(
    request: UpstreamRequest,
    targets: readonly UpstreamTarget[],
    options: UpstreamCallOptions,
  ): Promise<UpstreamResponse> {
    const started = this.clock();
    const deadline = started + options.deadlineMs;
    const attempts: UpstreamAttempt[] = [];
    let last: LastFailure | undefined;
    let attemptsMade = 0;
    let circuitOpen = 0;
    let notConfigured = 0;

    targets: for (const target of orderByPriorityAndWeight(targets, this.random)) {
      const provider = this.pools.provider(target.providerId);
      if (provider === undefined) {
        notConfigured += 1;
        attempts.push(attemptOf(target, 'not_configured', 0));
        continue;
      }
      let prepared: PreparedRequest | undefined;
      for (let retry = 0; retry < this.retry.maxAttemptsPerTarget; retry++) {
        if (attemptsMade >= this.retry.maxAttempts) break targets;
        // A request that may not be repeated gets one attempt, on whichever target it went to.
        if (attemptsMade > 0 && request.mayRetry?.() === false) break targets;
        const remaining = deadline - this.clock();
        if (remaining <= 0) throw timedOut(options, last, attempts);
        if (request.signal?.aborted) throw failure('client_aborted', 'the client went away', last, attempts);

        // Before the breaker is acquired, so that a throwing builder cannot leave a half-open probe taken.
        prepared ??= this.prepare(request, target, provider);
        const { resolved, headers, body } = prepared;
        const breaker = this.breakers.for(target);
        if (!breaker.tryAcquire()) {
          if (retry === 0) circuitOpen += 1;
          attempts.push(attemptOf(target, 'circuit_open', 0));
          continue targets;
        }

        attemptsMade += 1;
        const attemptStarted = this.clock();
        const observed = request.attempts?.attemptStarted(target, provider);
        const sent = observed === undefined ? headers : { ...headers, ...observed.headers };
        const result = await this.attempt(resolved.pool, resolved.path, request, sent, body, remaining);
        const durationMs = this.clock() - attemptStarted;
        observed?.ended(result.kind === 'failure' ? { failure: result.outcome } : { status: result.status });

        if (result.kind === 'failure') {
          attempts.push(attemptOf(target, result.outcome, durationMs));
          if (result.outcome === 'client_aborted') {
            breaker.release();
            throw failure('client_aborted', 'the client went away', last, attempts);
          }
          breaker.recordFailure();
          last = { kind: result.outcome === 'timeout' ? 'timeout' : 'connection' };
          if (request.mayRetry?.() === false) break targets;
          if (!(await this.backOff(retry, null, deadline, request.signal))) continue targets;
          continue;
        }

        // A pass-through call's answer is whatever the upstream said; that it answered is all the breaker learns.
        if (result.status < 400 || request.passThrough === true) {
          breaker.recordSuccess();
          attempts.push(attemptOf(target, 'success', durationMs, result.status));
          result.cancellation.headersReceived(result.body);
          options.onFirstByte?.({ target, elapsedMs: this.clock() - started });
          return {
            status: result.status,
            headers: result.headers,
            body: result.body,
            target,
            provider,
            attempts,
          };
        }

        const errorBody = await readCapped(result.body, UPSTREAM_ERROR_BODY_LIMIT).finally(() =>
          result.cancellation.headersReceived(result.body),
        );
        attempts.push(attemptOf(target, 'status', durationMs, result.status));
        last = { kind: 'upstream_status', status: result.status, body: errorBody, headers: result.headers, provider };

        if (isRetryableStatus(result.status)) {
          breaker.recordFailure();
          const retryAfterMs =
            parseRetryAfterMsHeader(result.headers['retry-after-ms']) ??
            parseRetryAfterMs(result.headers['retry-after'], Date.now());
          if (!(await this.backOff(retry, retryAfterMs, deadline, request.signal))) continue targets;
          continue;
        }
        if (isTargetSpecificStatus(result.status)) {
          breaker.recordFailure();
          continue targets;
        }
        // Any other 4xx is about the request: the upstream is healthy, and every target would say the same.
        breaker.recordSuccess();
        throw failure('upstream_status', `the upstream rejected the request with ${result.status}`, last, attempts);
      }
    }

    if (this.clock() >= deadline) throw timedOut(options, last, attempts);
    if (last !== undefined) {
      throw failure(last.kind, `every upstream attempt failed (${attempts.length} attempts)`, last, attempts);
    }
    if (circuitOpen > 0) {
      throw failure('unavailable', 'every target of this route is failing (circuits open)', last, attempts);
    }
    if (notConfigured > 0) {
      throw failure('not_configured', 'no target of this route names a configured provider', last, attempts);
    }
    throw failure('not_configured', 'this route has no enabled target', last, attempts);
  }

  /**
   * The target's path, headers and body. The path and body may depend on the provider's API (a model's targets
   * may speak different ones). Throws `UpstreamOriginRefusedError` for a path that could leave the provider's
   * origin (a programming error, never retried), and whatever a body builder throws.
   */
  private prepare(
    request: UpstreamRequest,
    target: UpstreamTarget,
    provider: UpstreamProviderSummary,
  ): PreparedRequest {
    const path = typeof request.path === 'function' ? request.path(target, provider) : request.path;
    const resolvedPath = this.pools.resolve(target.providerId, path);
    const resolved =
      request.query === undefined ? resolvedPath : { ...resolvedPath, path: `${resolvedPath.path}?${request.query}` };
    const body = request.body?.(target, provider);
    let extra: Record<string, string> | undefined;
    if (body !== undefined && request.passThrough !== true && request.headers['content-type'] === undefined) {
      extra = { 'content-type': 'application/json' };
    }
    if (request.bodyLength !== undefined) (extra ??= {})['content-length'] = String(request.bodyLength);
    const headers = upstreamRequestHeaders(resolved.provider, request.headers, extra);
    return { resolved, headers, body };
  }

  /**
   * Waits before retrying the same target: the upstream's own `retry-after` when it sent one, otherwise
   * full-jitter backoff. False when there is no retry left on this target or the wait would not fit in the
   * deadline: then the caller falls back to the next target at once, rather than sleeping through the budget.
   */
  private async backOff(
    retry: number,
    retryAfterMs: number | null,
    deadline: number,
    signal: ClientSignal | undefined,
  ): Promise<boolean> {
    if (retry + 1 >= this.retry.maxAttemptsPerTarget) return false;
    const waitMs = retryAfterMs ?? backoffDelayMs(retry, this.retry, this.random);
    if (this.clock() + waitMs >= deadline) return false;
    await sleep(waitMs, signal);
    return true;
  }

  private async attempt(
    pool: Pool,
    path: string,
    request: UpstreamRequest,
    headers: Record<string, string | string[]>,
    body: string | Uint8Array | AsyncIterable<Uint8Array> | undefined,
    remainingMs: number,
  ): Promise<AttemptResult> {
    const cancellation = new AttemptCancellation(request.signal, remainingMs);
    try {
      const response = await pool.request({
        path,
        method: request.method,
        headers,
        // A fresh stream per attempt over a streamed body: undici destroys the one of a failed attempt.
        body:
          body === undefined || typeof body === 'string' || body instanceof Uint8Array
            ? body
            : Readable.from(body, { objectMode: false }),
        signal: cancellation,
      });
      return {
        kind: 'response',
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
        cancellation,
      };
    } catch (error) {
      cancellation.dispose();
      if (request.signal?.aborted) return { kind: 'failure', outcome: 'client_aborted' };
      if (cancellation.reason instanceof DeadlineReached) return { kind: 'failure', outcome: 'timeout' };
      const code = (error as { code?: unknown }).code;
      return {
        kind: 'failure',
        outcome: typeof code === 'string' && TIMEOUT_CODES.has(code) ? 'timeout' : 'connection',
      };
    }
  }
}

/**
 * What cancels one attempt: the client leaving, or the call's deadline passing before the response headers. Given
 * to undici as the request's `signal`, which undici takes as an `EventEmitter` with `aborted` and `reason` as
 * readily as an `AbortSignal`: on Node 20 an `AbortSignal` with a listener costs microseconds per request, this
 * a small object. It listens to the client's signal itself (`handleEvent`), so an attempt makes no closures.
 */
class AttemptCancellation extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
  private readonly deadlineTimer: NodeJS.Timeout;

  constructor(
    private readonly clientSignal: ClientSignal | undefined,
    remainingMs: number,
  ) {
    super();
    clientSignal?.addEventListener('abort', this);
    this.deadlineTimer = setTimeout(abortAtDeadline, remainingMs, this);
  }

  /** The client's signal fired. */
  handleEvent(): void {
    this.abort(this.clientSignal?.reason);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }

  /**
   * Headers are in: the deadline no longer applies (the body is bounded by bodyTimeout), but the client's abort
   * must keep cancelling the upstream until the body is done.
   */
  headersReceived(body: Readable): void {
    clearTimeout(this.deadlineTimer);
    if (body.destroyed || body.readableEnded) this.detachFromClient();
    else body.on('close', () => this.detachFromClient());
  }

  /** The attempt failed: nothing is left to cancel. */
  dispose(): void {
    clearTimeout(this.deadlineTimer);
    this.detachFromClient();
  }

  private detachFromClient(): void {
    this.clientSignal?.removeEventListener('abort', this);
  }
}

function abortAtDeadline(cancellation: AttemptCancellation): void {
  cancellation.abort(new DeadlineReached());
}

function attemptOf(
  target: UpstreamTarget,
  outcome: UpstreamAttempt['outcome'],
  durationMs: number,
  status?: number,
): UpstreamAttempt {
  return status === undefined
    ? { providerId: target.providerId, upstreamModel: target.upstreamModel, outcome, durationMs }
    : { providerId: target.providerId, upstreamModel: target.upstreamModel, outcome, status, durationMs };
}

function failure(
  kind: UpstreamErrorKind,
  message: string,
  last: LastFailure | undefined,
  attempts: UpstreamAttempt[],
): UpstreamError {
  return new UpstreamError(kind, message, {
    upstreamStatus: last?.status,
    upstreamBody: last?.body,
    upstreamHeaders: last?.headers,
    upstreamProvider: last?.provider,
    attempts,
  });
}

function timedOut(options: UpstreamCallOptions, last: LastFailure | undefined, attempts: UpstreamAttempt[]) {
  return failure('timeout', `no upstream answered within ${options.deadlineMs} ms`, last, attempts);
}

async function readCapped(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buffer.subarray(0, Math.max(0, limit - size)));
      size += buffer.length;
      if (size >= limit) break;
    }
  } catch {
    // A body cut short still tells what arrived; the failure is already recorded by its status.
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number, signal: ClientSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    // Woken early by the client's abort; the loop then sees `signal.aborted` and stops.
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
