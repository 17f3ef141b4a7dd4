/**
 * What a public model serves: `chat` (chat completions, legacy completions, messages, responses) or `embedding` (embeddings);
 * null when the gateway cannot tell, and then every endpoint is left to the upstream.
 *
 * The catalog has no field for it: the kind is read from the names, once per catalog load. Embedding models say so
 * in their names (`text-embedding-3-small`, `mistral-embed`, `embed-english-v3.0`, `nomic-embed-text`) or belong to
 * a few well-known embedding families; text models are recognised by their families (`gpt-`, `claude-`, `llama`...).
 * A name of neither kind decides nothing, so an unfamiliar model is never refused on a guess.
 */
export type ModelKind = 'chat' | 'embedding';

const EMBEDDING_NAMES = [
  /embed/i,
  /(^|[/:._-])(text-similarity|text-search|voyage|bge|gte|e5|all-minilm|all-mpnet|multilingual-e5)([._:-]|$)/i,
];

const CHAT_NAMES =
  /(^|[/:._-])(gpt|chatgpt|o\d|claude|gemini|gemma|llama|codellama|mistral|mixtral|ministral|magistral|codestral|pixtral|qwen|qwq|deepseek|command|phi|grok|kimi|glm|yi|falcon|olmo|granite|nemotron|jamba|sonar|davinci|babbage|mock-chat|claude-mock)([._:-]|\d|$)/i;

/** The kind one name says, if any. */
export function kindOfName(name: string): ModelKind | null {
  if (EMBEDDING_NAMES.some((pattern) => pattern.test(name))) return 'embedding';
  return CHAT_NAMES.test(name) ? 'chat' : null;
}

/**
 * A model's kind from its upstream models' names (what it really is), else from its public alias: the kind they
 * agree on; null when none says or they disagree.
 */
export function modelKindOf(alias: string, upstreamModels: readonly string[]): ModelKind | null {
  const kinds = new Set(upstreamModels.map(kindOfName).filter((kind) => kind !== null));
  if (kinds.size === 0) return kindOfName(alias);
  return kinds.size === 1 ? ([...kinds][0] ?? null) : null;
}

/** The endpoints a kind serves, as the refusal names them. */
const SERVED: Record<ModelKind, string> = {
  chat: '/v1/chat/completions, /v1/completions, /v1/messages and /v1/responses',
  embedding: '/v1/embeddings',
};

/** The kind an endpoint needs (by its name in usage events). */
export function kindForEndpoint(endpoint: string): ModelKind | null {
  if (endpoint === 'embeddings') return 'embedding';
  return endpoint === 'chat.completions' ||
    endpoint === 'completions' ||
    endpoint === 'messages' ||
    endpoint === 'responses'
    ? 'chat'
    : null;
}

/** Why a model of `kind` cannot serve `endpoint`, or null when it can (or its kind is unknown). */
export function wrongKindReason(model: string, kind: ModelKind | null, endpoint: string): string | null {
  const needed = kindForEndpoint(endpoint);
  if (kind === null || needed === null || kind === needed) return null;
  const what = kind === 'chat' ? 'a chat' : 'an embedding';
  return `The model '${model}' does not support this endpoint: it is ${what} model, for ${SERVED[kind]} only.`;
}
