import { seededRandom } from './seeded-random';
import { WORDS } from './word-list';

/** Natural answer length, before `max_tokens`: 16 to 64 tokens, picked by the request's seed. */
export const MIN_NATURAL_TOKENS = 16;
export const MAX_NATURAL_TOKENS = 64;

export type StopCause = 'natural' | 'length' | 'stop_sequence';

export interface GeneratedText {
  /** The answer split into completion tokens; concatenated they give `text`. Its length is the token count. */
  tokens: string[];
  text: string;
  cause: StopCause;
  /** The stop sequence that ended the answer, when `cause` is `stop_sequence`. */
  stopSequence: string | null;
}

export interface GenerationOptions {
  seed: number;
  /** Caps the answer (`max_tokens`, `max_completion_tokens`); absent means no cap. */
  maxTokens?: number | undefined;
  /** A floor for the natural length, so that a stream can carry this many non-empty chunks. */
  minTokens?: number | undefined;
  stop?: readonly string[] | undefined;
}

/**
 * The answer to a request, as a pure function of its seed: words drawn from a fixed list, the first one
 * capitalised, the last one of a natural ending followed by a full stop. `maxTokens` takes a prefix of the
 * natural answer (cause `length`); a stop sequence cuts the answer before its first occurrence.
 */
export function generateText(options: GenerationOptions): GeneratedText {
  const random = seededRandom(options.seed);
  const span = MAX_NATURAL_TOKENS - MIN_NATURAL_TOKENS + 1;
  const naturalLength = Math.max(MIN_NATURAL_TOKENS + Math.floor(random() * span), options.minTokens ?? 0);
  const length = options.maxTokens === undefined ? naturalLength : Math.min(naturalLength, options.maxTokens);

  const tokens: string[] = new Array<string>(length);
  for (let index = 0; index < length; index++) {
    const word = WORDS[Math.floor(random() * WORDS.length)] ?? 'token';
    tokens[index] = index === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : ` ${word}`;
  }
  if (length === naturalLength && length > 0) tokens[length - 1] += '.';

  const text = tokens.join('');
  const cause: StopCause = length < naturalLength ? 'length' : 'natural';
  return cutAtStopSequence({ tokens, text, cause, stopSequence: null }, options.stop ?? []);
}

function cutAtStopSequence(generated: GeneratedText, stop: readonly string[]): GeneratedText {
  let cutAt = -1;
  let matched: string | null = null;
  for (const sequence of stop) {
    if (sequence === '') continue;
    const index = generated.text.indexOf(sequence);
    if (index !== -1 && (cutAt === -1 || index < cutAt)) {
      cutAt = index;
      matched = sequence;
    }
  }
  if (cutAt === -1) return generated;

  // A token the cut falls inside is kept in part and still counts as one token.
  const tokens: string[] = [];
  let offset = 0;
  for (const token of generated.tokens) {
    if (offset >= cutAt) break;
    tokens.push(offset + token.length <= cutAt ? token : token.slice(0, cutAt - offset));
    offset += token.length;
  }
  return { tokens, text: generated.text.slice(0, cutAt), cause: 'stop_sequence', stopSequence: matched };
}

/**
 * Splits tokens into `chunks` consecutive groups as evenly as possible (never more groups than tokens, and
 * always at least one group, possibly empty, so a stream always has a content event).
 */
export function splitIntoChunks(tokens: readonly string[], chunks: number): string[] {
  const count = Math.max(1, Math.min(chunks, tokens.length));
  const result: string[] = new Array<string>(count);
  for (let chunk = 0; chunk < count; chunk++) {
    const start = Math.floor((chunk * tokens.length) / count);
    const end = Math.floor(((chunk + 1) * tokens.length) / count);
    result[chunk] = tokens.slice(start, end).join('');
  }
  return result;
}
