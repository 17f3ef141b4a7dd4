import { guardedConnector, type OutboundGuard } from '@gatehouse/egress';
import { type ExternalGuardrailConfig, type JsonValue } from '@gatehouse/domain';
import { Agent, type Dispatcher, request } from 'undici';
import { type ClientSignal } from '../upstream';

/**
 * An external guardrail service (a moderation or prompt-attack API) called over HTTP for a verdict on a text. What
 * to send and where to read the answer are configured (a policy's `injection.external`, validated with the policy
 * document's schema, which is the one source of what a usable configuration is), so any JSON service fits: the
 * request body is a JSON template whose strings may hold `{{text}}`, and the verdict is read from the response with
 * JSON pointers (RFC 6901). Every connection goes through the outbound guard (@gatehouse/egress), so a policy cannot
 * aim the gateway at a private or metadata address. A service that is slow, down or answers nonsense does not fail
 * the request: the configured `failMode` decides, closed (treat as flagged) or open (treat as clean), and the
 * verdict says what happened. Nothing here logs; the verdict carries no text.
 */
export interface ExternalGuardrailVerdict {
  flagged: boolean;
  score?: number;
  /** Set when the service gave no usable verdict: `flagged` is then the fail mode's answer. */
  failed?: 'timeout' | 'error';
}

/** Answers larger than this are refused: a verdict is small, and a service must not make the gateway buffer much. */
export const EXTERNAL_GUARDRAIL_MAX_RESPONSE_BYTES = 64 * 1024;
const DEFAULT_REQUEST_TEMPLATE: JsonValue = { input: '{{text}}' };

/**
 * The connection pool for guardrail services: one undici Agent (a pool per origin inside), created at boot and
 * closed on shutdown, every new connection checked by the outbound guard.
 */
export function createExternalGuardrailDispatcher(
  guard: OutboundGuard,
  options: { connectTimeoutMs?: number; connections?: number } = {},
): Agent {
  return new Agent({
    connect: guardedConnector({ ...guard, connectTimeoutMs: options.connectTimeoutMs ?? 2_000 }),
    connections: options.connections ?? 64,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 30_000,
  });
}

/**
 * Asks the service for a verdict on `input`. Resolves with the verdict, the fail mode's verdict when the service
 * timed out or failed; rejects only when `signal` (the client's request) aborted, since then nobody waits for it.
 */
export async function callExternalGuardrail(
  config: ExternalGuardrailConfig,
  input: string,
  signal: ClientSignal | undefined,
  dispatcher: Dispatcher,
): Promise<ExternalGuardrailVerdict> {
  const failed = (failure: 'timeout' | 'error'): ExternalGuardrailVerdict => ({
    flagged: config.failMode === 'closed',
    failed: failure,
  });
  if (signal?.aborted) throw signal.reason;
  // The request's lifetime is not an AbortSignal (client-lifetime.ts): one is made only for the calls that need it.
  const client = new AbortController();
  const clientLeft = () => client.abort(signal?.reason);
  signal?.addEventListener('abort', clientLeft);
  const timeout = AbortSignal.timeout(config.timeoutMs);
  try {
    const response = await request(config.url, {
      dispatcher,
      method: 'POST',
      headers: { ...config.headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(renderTemplate(config.request ?? DEFAULT_REQUEST_TEMPLATE, input)),
      signal: AbortSignal.any([client.signal, timeout]),
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
    });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      await response.body.dump({ limit: EXTERNAL_GUARDRAIL_MAX_RESPONSE_BYTES });
      return failed('error');
    }
    const body = await readCapped(response.body, EXTERNAL_GUARDRAIL_MAX_RESPONSE_BYTES);
    if (body === null) return failed('error');
    return verdictFrom(body, config) ?? failed('error');
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    return failed(timeout.aborted || isTimeoutError(error) ? 'timeout' : 'error');
  } finally {
    signal?.removeEventListener('abort', clientLeft);
  }
}

/** The template with `{{text}}` replaced in every string (keys included); the text is never parsed as JSON. */
function renderTemplate(template: JsonValue, text: string): JsonValue {
  if (typeof template === 'string') return template.split('{{text}}').join(text);
  if (Array.isArray(template)) return template.map((item) => renderTemplate(item, text));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [
        renderTemplate(key, text) as string,
        renderTemplate(value, text),
      ]),
    );
  }
  return template;
}

function verdictFrom(body: string, config: ExternalGuardrailConfig): ExternalGuardrailVerdict | null {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return null;
  }
  const flagged = resolvePointer(document, config.response.flagged);
  if (typeof flagged !== 'boolean') return null;
  const score = config.response.score === undefined ? undefined : resolvePointer(document, config.response.score);
  return typeof score === 'number' && Number.isFinite(score) ? { flagged, score } : { flagged };
}

/** RFC 6901: `/a/0/b~1c` reads `document.a[0]["b/c"]`; undefined when any step is missing. */
function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return undefined;
      current = current[Number(key)];
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, key)) {
      current = (current as Record<string, unknown>)[key];
    } else {
      return undefined;
    }
  }
  return current;
}

/** The body as text, or null when it is larger than `limit` bytes (the rest is not read). */
async function readCapped(body: AsyncIterable<Buffer>, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isTimeoutError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  return (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    name === 'TimeoutError'
  );
}
