import type { FaultPlan } from './fault-injection';
import { splitIntoChunks, type GeneratedText } from './text-generator';

/**
 * Scripted answers let a test choose the answer through the gateway: `echo:` shows what reached the upstream,
 * `say:` returns a chosen text streamed in small pieces, so that a finding can straddle chunks. Both chat
 * routes use them; `max_tokens` and stop sequences never cut them.
 */
export type Script = 'echo' | 'say';

const ECHO_PREFIX = 'echo:';
const SAY_PREFIX = 'say:';

export interface ScriptMessage {
  role: string;
  content?: unknown;
}

export interface ScriptedConversation {
  /** Anthropic's top-level `system` (a string or text blocks); OpenAI's system messages are in `messages`. */
  system?: unknown;
  messages: readonly ScriptMessage[];
}

export interface ScriptedAnswer {
  script: Script;
  answer: GeneratedText;
}

/**
 * The text of a message's content: a string as it is, an array's text parts joined with nothing between
 * them, in order. Tool results (Anthropic `tool_result` blocks) add their own text when asked to.
 */
export function contentText(content: unknown, withToolResults: boolean): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) text += partText(part, withToolResults);
  return text;
}

function partText(part: unknown, withToolResults: boolean): string {
  if (typeof part !== 'object' || part === null) return '';
  const { type, text, content } = part as { type?: unknown; text?: unknown; content?: unknown };
  if (typeof text === 'string') return text;
  if (withToolResults && type === 'tool_result') return contentText(content, true);
  return '';
}

/**
 * What the last user message says itself: tool results are left out, because Anthropic puts them first in a
 * user message and a prefix after them would never be seen.
 */
function lastUserText(messages: readonly ScriptMessage[]): string | undefined {
  const last = messages.findLast((message) => message.role === 'user');
  return last === undefined ? undefined : contentText(last.content, false);
}

/** Every message's text as received, the system prompt first, one per line (an empty message, an empty line). */
function echoText(conversation: ScriptedConversation): string {
  const texts = conversation.system === undefined ? [] : [contentText(conversation.system, true)];
  for (const message of conversation.messages) texts.push(contentText(message.content, true));
  return texts.join('\n');
}

/**
 * Completion tokens of a scripted text: one per word (a run of non-whitespace) with the whitespace before
 * it, trailing whitespace kept by the last word. Joined they give the text back, so a stream split by the
 * generator's rule carries it exactly. Whitespace alone is one token; an empty text has none.
 */
export function wordTokens(text: string): string[] {
  const tokens: string[] = [];
  let whitespace = '';
  // Runs, not `\s*\S+`: that pattern backtracks quadratically over a long run of trailing whitespace.
  for (const [run] of text.matchAll(/\s+|\S+/g)) {
    if (/^\s/.test(run)) {
      whitespace = run;
    } else {
      tokens.push(whitespace + run);
      whitespace = '';
    }
  }
  if (whitespace !== '') {
    if (tokens.length === 0) tokens.push(whitespace);
    else tokens[tokens.length - 1] += whitespace;
  }
  return tokens;
}

function scripted(script: Script, text: string): ScriptedAnswer {
  return { script, answer: { tokens: wordTokens(text), text, cause: 'natural', stopSequence: null } };
}

/**
 * The scripted answer of a conversation whose last user message starts with `echo:` or `say:`, or undefined
 * when the generator answers. `say:` answers exactly the text after the prefix, a space after it included.
 */
export function scriptedAnswer(conversation: ScriptedConversation): ScriptedAnswer | undefined {
  const prompt = lastUserText(conversation.messages);
  if (prompt === undefined) return undefined;
  if (prompt.startsWith(ECHO_PREFIX)) return scripted('echo', echoText(conversation));
  if (prompt.startsWith(SAY_PREFIX)) return scripted('say', prompt.slice(SAY_PREFIX.length));
  return undefined;
}

/**
 * Splits text into pieces of `size` code points (the last may be shorter), so a surrogate pair is never cut;
 * an empty text is one empty piece, so that a stream still has a content event.
 */
export function splitByCodePoints(text: string, size: number): string[] {
  const codePoints = Array.from(text);
  if (codePoints.length === 0) return [''];
  const pieces: string[] = [];
  for (let start = 0; start < codePoints.length; start += size) {
    pieces.push(codePoints.slice(start, start + size).join(''));
  }
  return pieces;
}

/**
 * The content pieces of a streamed answer: a `say:` answer in pieces of `sayChunk` code points, any other
 * answer (`echo:` included) split by the generator's rule into at most `chunks` pieces.
 */
export function streamPieces(
  answer: GeneratedText,
  script: Script | undefined,
  plan: Pick<FaultPlan, 'chunks' | 'sayChunk'>,
): string[] {
  return script === 'say' ? splitByCodePoints(answer.text, plan.sayChunk) : splitIntoChunks(answer.tokens, plan.chunks);
}
