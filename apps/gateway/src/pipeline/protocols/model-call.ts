import { type IncomingHttpHeaders } from 'node:http';
import { type Transform } from 'node:stream';
import { type LlmEndpoint } from '@gatehouse/domain';
import { type StreamProtocol, type UpstreamProviderType } from '../../upstream';

/** How the request is sent to providers of one type: the path and body in the API that type speaks. */
export interface UpstreamCallPlan {
  path: string;
  /** The body for one target (each has its own upstream model name). */
  body: (upstreamModel: string) => string;
}

/**
 * One call to a public model, read from the client's request by its protocol adapter: everything the stages need,
 * whatever API the client speaks.
 */
export interface ModelCall {
  /** The endpoint as the limits know it, and its name in usage events (`chat.completions`, `messages`...). */
  endpoint: LlmEndpoint;
  /** The public model alias. */
  model: string;
  stream: boolean;
  /** An OpenAI client's `stream_options.include_usage`. */
  includeUsage: boolean;
  /**
   * The client's body, for the input estimate and the policies, which may rewrite its texts before any upstream
   * body is built from it; for an API the gateway serves by translation (Responses), the chat completions body it
   * becomes.
   */
  body: Record<string, unknown>;
  /**
   * The top-level fields the client sent, when `body` is a translation of its request rather than the request
   * itself: what `validation.strictParams` checks. Absent: `body`'s own keys.
   */
  requestParameters?: readonly string[];
  /** The most the answer may use (`outputAllowance`), which the limits reserve for. */
  maxOutputTokens: number;
  /**
   * The field the client capped the answer with (`max_tokens`, `max_completion_tokens`), named by a refusal of a
   * cap too large for the plan; null when the client set none (the gateway's default applies).
   */
  outputCapParam: string | null;
  /** The body's size in bytes as the client declared it (`content-length`); null for a chunked body. */
  bodyBytes: number | null;
  /** Client headers the upstream needs (Anthropic's `anthropic-version`, `anthropic-beta`). */
  headers?: Record<string, string>;
  /**
   * How providers of `type` serve this call. Throws a `GatewayError` (400) when they cannot: their targets are
   * skipped, and that error is the answer when no target is left. The route stage calls it once per type.
   */
  callFor(type: UpstreamProviderType): UpstreamCallPlan;
  /** How the answer reaches a client of an API served by translation (Responses); absent: as the chat answer. */
  answerAdapter?: AnswerAdapter;
}

/**
 * The last step of an answer for a client whose API the gateway serves through chat completions: the chat answer
 * (translated from the upstream's API if need be, past the output guard and the call log's capture) in the
 * client's API. Its state, if the API keeps one, is saved before the client can see the answer's end.
 */
export interface AnswerAdapter {
  /** The whole answer from the final chat completion. */
  json(completion: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** A stream's last stage: OpenAI chat completion chunks (SSE) in, the client's events out. */
  stream(): Transform;
}

/** Who the call is for, known once the key is: what a protocol needs to read state kept for the tenant. */
export interface CallScope {
  tenantId: string;
  /** The gateway's request id: the name of the call in the call log, and of what it answers with. */
  requestId: string;
}

/** Reads the client's request into a call; throws a 400 `GatewayError` naming the field when it is malformed. */
export interface ModelProtocol {
  /** The API the client speaks: its answers, streams and errors are written in it. */
  readonly client: StreamProtocol;
  /** The endpoint it reads, known before the body is (a refused body is recorded under it too). */
  readonly endpoint: LlmEndpoint;
  /** The gateway's route it is served on (`/v1/chat/completions`): its requests' route label. */
  readonly route: string;
  /** A promise when reading needs state the gateway keeps (a Responses `previous_response_id`). */
  read(body: unknown, headers: IncomingHttpHeaders, scope: CallScope): ModelCall | Promise<ModelCall>;
}

/** The declared size of a request body (`content-length`), or null when it was sent chunked. */
export function bodyBytesOf(headers: IncomingHttpHeaders): number | null {
  const length = headers['content-length'];
  return typeof length === 'string' && /^\d+$/.test(length) ? Number(length) : null;
}
