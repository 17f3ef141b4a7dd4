import { ProviderError } from '../errors/provider-error';
import { contentText, wordTokens, type ScriptMessage } from './scripted-answers';
import type { GeneratedText } from './text-generator';
import { countTextTokens } from './token-counter';
import { toolArguments } from './tool-arguments';

/**
 * Tool calls on demand: a request that offers tools answers with calls of them when its last user message starts
 * with `call:<name>[,<name>…]` or its `tool_choice` forces one, so that a test can drive an agent loop through
 * the gateway. Once the conversation ends with the tools' results, the answer is their text. Both chat routes
 * read their dialect's fields into a `ToolRequest`; the rule itself is the same for both (README, "Tool calls").
 */
const CALL_PREFIX = 'call:';

/** The tool names after `call:`, separated by commas (spaces around them allowed), up to the first whitespace. */
const CALL_NAMES = /^call:\s*([^\s,]+(?:\s*,\s*[^\s,]+)*)/;

export interface ToolDefinition {
  name: string;
  /** The JSON Schema of its arguments (OpenAI `parameters`, Anthropic `input_schema`); absent means any object. */
  schema: unknown;
}

/** `tool_choice`, in both dialects' terms: OpenAI `none|auto|required|{function}`, Anthropic `none|auto|any|tool`. */
export type ToolChoice = { mode: 'none' } | { mode: 'auto' } | { mode: 'required' } | { mode: 'tool'; name: string };

export interface ToolRequest {
  tools: readonly ToolDefinition[];
  choice: ToolChoice;
  /** False when the client asked for one call at most (OpenAI `parallel_tool_calls`, Anthropic `disable_parallel_tool_use`). */
  parallel: boolean;
  messages: readonly ScriptMessage[];
  /** The tool results the conversation ends with, as text, or undefined when its last message carries none. */
  trailingResults: readonly string[] | undefined;
}

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
  /** `input` as JSON, as OpenAI sends it and Anthropic streams it. */
  json: string;
}

/** What a tool-using request is answered with: calls, or the text of the results it sent back. */
export type ToolAnswer =
  { kind: 'calls'; calls: ToolCall[]; outputTokens: number } | { kind: 'results'; answer: GeneratedText };

/**
 * The tool answer of a request, or undefined when it calls no tool (no tools offered, `tool_choice: none`, or
 * neither `call:` nor a forcing `tool_choice`): the scripts and the generator answer it then. A `call:` naming a
 * tool the request does not offer is the test's mistake, a 400 that names it.
 */
export function answerWithTools(request: ToolRequest): ToolAnswer | undefined {
  if (request.tools.length === 0 || request.choice.mode === 'none') return undefined;
  const names = calledNames(request);
  if (names === undefined) return undefined;
  if (request.trailingResults !== undefined) return { kind: 'results', answer: resultsAnswer(request.trailingResults) };
  const calls = (request.parallel ? names : names.slice(0, 1)).map((name) => callOf(request.tools, name));
  const outputTokens = calls.reduce((total, call) => total + countTextTokens(call.name + call.json), 0);
  return { kind: 'calls', calls, outputTokens };
}

/**
 * The tools to call: the forced one; else the `call:` names; else, when a call is required, the first tool.
 * Undefined when nothing asks for a call.
 */
function calledNames(request: ToolRequest): string[] | undefined {
  const { choice } = request;
  if (choice.mode === 'tool') return [choice.name];
  const prompt = lastPrompt(request.messages);
  if (prompt?.startsWith(CALL_PREFIX) === true) {
    const names = CALL_NAMES.exec(prompt)?.[1]
      ?.split(',')
      .map((name) => name.trim());
    if (names !== undefined) return names;
  }
  return choice.mode === 'required' ? [(request.tools[0] as ToolDefinition).name] : undefined;
}

/**
 * The text of the last user message that has text of its own (tool results left out): an Anthropic user message
 * of only `tool_result` blocks answers the `call:` before it, as an OpenAI `tool` message does.
 */
function lastPrompt(messages: readonly ScriptMessage[]): string | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as ScriptMessage;
    if (message.role !== 'user') continue;
    const text = contentText(message.content, false);
    if (text !== '') return text;
  }
  return undefined;
}

function callOf(tools: readonly ToolDefinition[], name: string): ToolCall {
  const tool = tools.find((candidate) => candidate.name === name);
  if (tool === undefined) {
    throw new ProviderError(400, `Mock provider: the request offers no tool named '${name}'.`, { param: 'tools' });
  }
  const input = toolArguments(tool.schema);
  return { name, input, json: JSON.stringify(input) };
}

/** The results' text, one per line, in the order they were sent: a test sees what came back from its tools. */
function resultsAnswer(results: readonly string[]): GeneratedText {
  const text = results.join('\n');
  return { tokens: wordTokens(text), text, cause: 'natural', stopSequence: null };
}

/**
 * Splits a call's JSON into `min(chunks, length)` pieces of code points, as even as possible, so that a stream
 * carries its arguments in several deltas (never a surrogate pair cut).
 */
export function argumentPieces(json: string, chunks: number): string[] {
  const codePoints = Array.from(json);
  const count = Math.max(1, Math.min(chunks, codePoints.length));
  const pieces: string[] = [];
  for (let piece = 0; piece < count; piece++) {
    const start = Math.floor((piece * codePoints.length) / count);
    const end = Math.floor(((piece + 1) * codePoints.length) / count);
    pieces.push(codePoints.slice(start, end).join(''));
  }
  return pieces;
}

/** The text of one tool result's content: a string, or its text parts/blocks. */
export function toolResultText(content: unknown): string {
  return contentText(content, true);
}
