import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/audit-chain';
import { type LlmEndpoint } from '../limits/token-estimate';

/**
 * What a semantic cache compares: the text it embeds, and what must be identical around it for a near neighbour to
 * be an answer to this request. Embeddings place "is X safe" and "is X not safe", "2 + 2" and "2 + 3", "flights to
 * Paris" and "flights to Rome" close together; the guards below refuse those matches whatever the similarity.
 */
export interface SemanticPrompt {
  /** The last user turn's text: what is embedded and what the text guards read. */
  text: string;
  /** SHA-256 (hex) of the system instructions (OpenAI `system` / `developer` messages, Anthropic `system`). */
  systemHash: string;
  /** SHA-256 (hex) of every other message: the conversation before the last user turn, and anything after it. */
  historyHash: string;
}

const EMPTY_HASH = sha256(canonicalJson(null));

/**
 * The prompt of a request as the semantic cache sees it, or null when the request is not one it can answer:
 * embeddings (the exact cache serves those), token-id prompts, several prompts, and a last user turn with anything
 * but text (an image or a tool result: the embedding of the words alone would not see it), or without text.
 *
 * Only the last user turn is embedded. Earlier turns are not folded into the vector (as a digest or by
 * concatenation): they would dilute the question, and two conversations that end with the same question may need
 * different answers ("and in Python?"). Instead the whole rest of the conversation must be identical, compared by
 * hash: a first question (with the same system prompt) matches its paraphrases, and a follow-up matches only after
 * the very same conversation. That keeps every hit an answer to the same context, at the price of fewer hits on
 * long conversations.
 */
export function semanticPromptText(endpoint: LlmEndpoint, body: Record<string, unknown>): SemanticPrompt | null {
  switch (endpoint) {
    // A Responses call's body is the chat completions body it is served as.
    case 'chat.completions':
    case 'responses':
      return conversationPrompt(body['messages'], (message) => isChatSystem(message), null);
    case 'messages':
      return conversationPrompt(body['messages'], () => false, body['system'] ?? null);
    case 'completions':
      return legacyPrompt(body['prompt']);
    case 'embeddings':
      return null;
  }
}

type Message = Record<string, unknown>;

function conversationPrompt(
  messages: unknown,
  isSystem: (message: Message) => boolean,
  separateSystem: unknown,
): SemanticPrompt | null {
  if (!Array.isArray(messages)) return null;
  const all = messages.filter(isRecord);
  const last = findLastIndex(all, (message) => message['role'] === 'user');
  const lastUser = all[last];
  if (lastUser === undefined) return null;
  const text = textOnly(lastUser['content']);
  if (text === null || text.trim() === '') return null;
  const system = all.filter(isSystem).map((message) => message['content']);
  const history = all.filter((message, index) => index !== last && !isSystem(message));
  return {
    text,
    systemHash: sha256(canonicalJson(separateSystem ?? (system.length === 0 ? null : system))),
    historyHash: history.length === 0 ? EMPTY_HASH : sha256(canonicalJson(history)),
  };
}

function legacyPrompt(prompt: unknown): SemanticPrompt | null {
  const text = typeof prompt === 'string' ? prompt : Array.isArray(prompt) && prompt.length === 1 ? prompt[0] : null;
  if (typeof text !== 'string' || text.trim() === '') return null;
  return { text, systemHash: EMPTY_HASH, historyHash: EMPTY_HASH };
}

function isChatSystem(message: Message): boolean {
  return message['role'] === 'system' || message['role'] === 'developer';
}

/** A string, or text parts / blocks only (joined by a line break); null when any part is not text. */
function textOnly(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content) || content.length === 0) return null;
  const texts: string[] = [];
  for (const part of content) {
    if (!isRecord(part) || part['type'] !== 'text' || typeof part['text'] !== 'string') return null;
    texts.push(part['text']);
  }
  return texts.join('\n');
}

export type SemanticRefusal = 'system_prompt' | 'conversation' | 'negation' | 'number' | 'entity';

export type SemanticMatchDecision = { allowed: true } | { allowed: false; reason: SemanticRefusal };

/**
 * Whether a cached prompt that the vector index found similar may answer the query. A plain string stands for a
 * single user turn with no system prompt. Refused when:
 *
 * - the system prompts differ (hash), or the rest of the conversation does;
 * - they differ in negation: a different count of negating words (`not`, `no`, `never`, `without`, `none`, …,
 *   and every `n't` contraction), so "is X safe" never answers "is X not safe", while "why doesn't it build" and
 *   "why won't it build" (one negation each) may match;
 * - they differ in numbers: the sequence of numbers in the text (digits, with thousands separators and decimal
 *   commas normalised, and the number words `two` … `billion`) must be identical. A sequence, not a set, because
 *   "3 - 2" and "2 - 3" hold the same numbers;
 * - they differ in named entities: a capitalised word that is not the first of its sentence ("Paris", "AWS",
 *   "iPhone"; `I` excepted) must appear, in any case, in the other text too. A first word counts only when it has
 *   a capital past its first letter ("JavaScript", "NASA"): at the start of a sentence a capital says nothing.
 *
 * Each guard errs towards refusing: a refused paraphrase costs one upstream call, a wrong hit a wrong answer.
 */
export function semanticMatchAllowed(
  query: SemanticPrompt | string,
  cached: SemanticPrompt | string,
): SemanticMatchDecision {
  const left = asPrompt(query);
  const right = asPrompt(cached);
  if (left.systemHash !== right.systemHash) return { allowed: false, reason: 'system_prompt' };
  if (left.historyHash !== right.historyHash) return { allowed: false, reason: 'conversation' };
  const leftFeatures = guardFeatures(left.text);
  const rightFeatures = guardFeatures(right.text);
  if (leftFeatures.negations !== rightFeatures.negations) return { allowed: false, reason: 'negation' };
  if (leftFeatures.numbers.join(' ') !== rightFeatures.numbers.join(' ')) return { allowed: false, reason: 'number' };
  if (!entitiesFound(leftFeatures, rightFeatures) || !entitiesFound(rightFeatures, leftFeatures)) {
    return { allowed: false, reason: 'entity' };
  }
  return { allowed: true };
}

function asPrompt(prompt: SemanticPrompt | string): SemanticPrompt {
  return typeof prompt === 'string' ? { text: prompt, systemHash: EMPTY_HASH, historyHash: EMPTY_HASH } : prompt;
}

/** What the text guards compare, read once per text. */
export interface GuardFeatures {
  negations: number;
  numbers: string[];
  entities: Set<string>;
  words: Set<string>;
}

const NEGATIONS = new Set([
  'not',
  'no',
  'never',
  'without',
  'none',
  'nobody',
  'nothing',
  'nowhere',
  'neither',
  'nor',
  'cannot',
  'cant',
  'dont',
  'doesnt',
  'isnt',
  'wont',
]);

const NUMBER_WORDS: Record<string, string> = {
  zero: '0',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
  dozen: '12',
  thirteen: '13',
  fourteen: '14',
  fifteen: '15',
  sixteen: '16',
  seventeen: '17',
  eighteen: '18',
  nineteen: '19',
  twenty: '20',
  thirty: '30',
  forty: '40',
  fifty: '50',
  sixty: '60',
  seventy: '70',
  eighty: '80',
  ninety: '90',
  hundred: '100',
  thousand: '1000',
  million: '1000000',
  billion: '1000000000',
};
// `one` is left out: far more often a pronoun ("which one is faster") than a count, and a count of one written
// as a word against "1" only makes a refusal, never a wrong hit.

/** Words: letters and digits, with an apostrophe inside (contractions, possessives). */
const WORD = /[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu;
/** Numbers in digits (thousands separators and decimal points or commas inside), or letters (number words). */
const NUMBER_OR_WORD = /\d+(?:[.,]\d+)*|\p{L}+/gu;
/** Sentence ends, line breaks and colons start a new sentence (for the "first word" rule). */
const SENTENCE_BREAK = /[.!?]+(?:\s+|$)|\n+|:\s+/;

export function guardFeatures(text: string): GuardFeatures {
  const plain = text.normalize('NFKC').replace(/[’‘`´]/g, "'");
  const features: GuardFeatures = { negations: 0, numbers: [], entities: new Set(), words: new Set() };
  for (const sentence of plain.split(SENTENCE_BREAK)) {
    let first = true;
    for (const match of sentence.matchAll(WORD)) {
      const word = match[0];
      const lower = word.toLowerCase();
      const bare = withoutPossessive(lower);
      features.words.add(bare);
      if (NEGATIONS.has(lower) || lower.endsWith("n't")) features.negations += 1;
      if (isEntity(word, first)) features.entities.add(bare);
      first = false;
    }
  }
  for (const match of plain.matchAll(NUMBER_OR_WORD)) {
    const token = match[0];
    if (/^\d/.test(token)) features.numbers.push(normaliseNumber(token));
    else {
      const spelled = NUMBER_WORDS[token.toLowerCase()];
      if (spelled !== undefined) features.numbers.push(spelled);
    }
  }
  return features;
}

function withoutPossessive(word: string): string {
  return word.endsWith("'s") ? word.slice(0, -2) : word;
}

function isEntity(word: string, firstOfSentence: boolean): boolean {
  if (!/\p{Lu}/u.test(word)) return false;
  if (word === 'I' || /^I'/.test(word)) return false;
  if (!firstOfSentence) return true;
  return /\p{Lu}/u.test(word.slice(1));
}

/** "1,000" → "1000", "2,5" → "2.5", "007" → "7", "2.50" → "2.5", "3.0" → "3". */
function normaliseNumber(digits: string): string {
  let number = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(digits) ? digits.replace(/,/g, '') : digits.replace(/,/g, '.');
  if (!/^\d+(?:\.\d+)?$/.test(number)) return number;
  const [whole = '0', fraction = ''] = number.split('.');
  number = whole.replace(/^0+(?=\d)/, '');
  const trimmedFraction = fraction.replace(/0+$/, '');
  return trimmedFraction === '' ? number : `${number}.${trimmedFraction}`;
}

/** Every entity of `from` appears as a word of `into`. */
function entitiesFound(from: GuardFeatures, into: GuardFeatures): boolean {
  for (const entity of from.entities) if (!into.words.has(entity)) return false;
  return true;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index -= 1) if (predicate(items[index] as T)) return index;
  return -1;
}
