import { type IncomingHttpHeaders } from 'node:http';
import { type Readable } from 'node:stream';
import { type ClientSignal } from './client-lifetime';

/** How the gateway authenticates to a provider: the provider row's type. */
export type UpstreamProviderType = 'OPENAI' | 'ANTHROPIC' | 'OPENAI_COMPATIBLE' | 'HTTP';

/** A configured provider as the gateway holds it: base URL parsed, credential already decrypted. */
export interface UpstreamProvider {
  id: string;
  name: string;
  type: UpstreamProviderType;
  /** Origin plus optional path prefix, e.g. `https://api.openai.com` or `https://proxy.example/openai`. */
  baseUrl: string;
  /** Plaintext credential, or null (the mock provider has none). Never logged, never in an error. */
  credential: string | null;
  /**
   * Marked by an admin as on a loopback or private network: connected to as configured. Any other provider
   * connects through the outbound address guard, which refuses such addresses at every new connection.
   */
  internal: boolean;
}

/** One routing target of a model route (ModelTarget): provider + upstream model, weight, priority tier. */
export interface UpstreamTarget {
  providerId: string;
  upstreamModel: string;
  weight: number;
  priority: number;
}

/** What a request builder may know of the provider it is sending to: never its credential. */
export type UpstreamProviderSummary = Pick<UpstreamProvider, 'id' | 'name' | 'type'>;

/** The methods an upstream call may use: the endpoints' own, and whatever an HTTP product forwards. */
export type UpstreamMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface UpstreamRequest {
  method: UpstreamMethod;
  /**
   * The fixed API path appended to the provider's base URL (`/v1/chat/completions`), chosen by the endpoint,
   * never taken from the client. Must start with a single `/`. A function when it depends on the target's
   * provider: a model's targets may speak different APIs (OpenAI's `/v1/chat/completions`, Anthropic's
   * `/v1/messages`).
   */
  path: string | ((target: UpstreamTarget, provider: UpstreamProviderSummary) => string);
  /** A raw query string (no `?`), appended once the path is resolved: an HTTP product forwards the client's. */
  query?: string;
  /** The client's headers; hop-by-hop, auth and framing headers are dropped before forwarding. */
  headers: IncomingHttpHeaders;
  /**
   * The body for a given target: each target has its own upstream model name, and its provider's API decides
   * the body's format. Computed once per target, before its first attempt.
   */
  body?: (target: UpstreamTarget, provider: UpstreamProviderSummary) => string | Uint8Array | AsyncIterable<Uint8Array>;
  /**
   * The body's length when known in advance, sent as `content-length`. An `AsyncIterable` body is streamed as it
   * is read, each attempt iterating it anew; without a length it goes chunked.
   */
  bodyLength?: number;
  /**
   * Asked before any attempt after the first: false means no other attempt at all, on this target or another (a
   * non-idempotent method, or a streamed body an attempt has started reading). Absent: retries as usual.
   */
  mayRetry?: () => boolean;
  /**
   * A transparent proxy call (HTTP products): any upstream response is the answer, whatever its status, returned
   * unread and never retried on its status; and the body's content type is the client's, never defaulted to JSON.
   */
  passThrough?: boolean;
  /** The client's lifetime: aborting it cancels the attempt in flight and, later, the streamed body. */
  signal?: ClientSignal;
  /** Told of each attempt as it is sent and when it ends (tracing); absent when nothing watches. */
  attempts?: UpstreamAttemptObserver;
}

/** Watches the attempts of one call: a trace makes a span of each and sends its context upstream. */
export interface UpstreamAttemptObserver {
  attemptStarted(target: UpstreamTarget, provider: UpstreamProviderSummary): ObservedAttempt;
}

export interface ObservedAttempt {
  /** Headers the attempt's request carries on top of its own (`traceparent`, `tracestate`). */
  readonly headers: Record<string, string>;
  /** The upstream's status once its headers came, or why no answer came. */
  ended(result: { status: number } | { failure: AttemptOutcome }): void;
}

export interface UpstreamCallOptions {
  /** Budget for getting response headers, retries and waits included. The streamed body is bounded by bodyTimeout. */
  deadlineMs: number;
  /** Called once when the winning attempt's response headers arrive (time to first byte). */
  onFirstByte?: (info: { target: UpstreamTarget; elapsedMs: number }) => void;
}

export type AttemptOutcome =
  'success' | 'status' | 'timeout' | 'connection' | 'circuit_open' | 'not_configured' | 'client_aborted';

/** One line of the call's history, for logs and usage events. */
export interface UpstreamAttempt {
  providerId: string;
  upstreamModel: string;
  outcome: AttemptOutcome;
  status?: number;
  durationMs: number;
}

export interface UpstreamResponse {
  status: number;
  /** The upstream's response headers, unfiltered; use `responseHeadersForClient` before sending any on. */
  headers: IncomingHttpHeaders;
  /** The body, not yet read. Reading starts the stream; destroying it cancels the upstream request. */
  body: Readable;
  target: UpstreamTarget;
  provider: UpstreamProviderSummary;
  attempts: UpstreamAttempt[];
}
