import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../errors/validation';
import { newId, unixSeconds } from '../simulation/ids';
import { deriveSeed, seedFrom } from '../simulation/seeded-random';
import { scriptedAnswer, streamPieces, type Script } from '../simulation/scripted-answers';
import { generateText, type GeneratedText } from '../simulation/text-generator';
import { countConversationTokens } from '../simulation/token-counter';
import { answerWithTools, argumentPieces, type ToolCall } from '../simulation/tool-calls';
import { sseFrame, streamSse } from '../streaming/sse-stream';
import {
  choiceCountField,
  maxTokensField,
  openAiFinishReason,
  openAiStreamErrorEvent,
  openAiUsage,
  stopField,
  streamOptionsField,
  SYSTEM_FINGERPRINT,
} from './openai-fields';
import { openAiToolRequest } from './openai-tools';

const chatMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
  tool_calls: z.array(z.unknown()).nullish(),
});

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  max_tokens: maxTokensField,
  max_completion_tokens: maxTokensField,
  n: choiceCountField,
  stop: stopField,
  stream: z.boolean().nullish(),
  stream_options: streamOptionsField,
  tools: z.array(z.unknown()).nullish(),
});

export type ChatCompletionRequest = z.output<typeof chatCompletionRequestSchema>;

export interface ChatCompletionResult {
  promptTokens: number;
  choices: GeneratedText[];
  /** Set when the last user message scripts the answer; every choice then carries the same text. */
  script: Script | undefined;
  /** Set when the answer calls tools (every choice the same calls); `choices` is then empty. */
  toolCalls: { calls: ToolCall[]; choiceCount: number; outputTokens: number } | undefined;
}

/**
 * The answer to a chat request, a pure function of the request and the chunk count: the text depends on the
 * model and the messages only, so `stream`, `max_tokens` and `stop` change how much of it is returned, never
 * which words. Tool calls, the text of tool results and scripted answers (`echo:`, `say:`) are returned whole.
 */
export function answerChatCompletion(request: ChatCompletionRequest, chunks: number): ChatCompletionResult {
  const promptTokens = countConversationTokens(request.messages, request.tools);
  const choiceCount = request.n ?? 1;
  const tools = answerWithTools(openAiToolRequest(request));
  if (tools?.kind === 'calls') {
    const toolCalls = { calls: tools.calls, choiceCount, outputTokens: tools.outputTokens };
    return { promptTokens, choices: [], script: undefined, toolCalls };
  }
  if (tools?.kind === 'results') {
    const choices = new Array<GeneratedText>(choiceCount).fill(tools.answer);
    return { promptTokens, choices, script: undefined, toolCalls: undefined };
  }
  const scripted = scriptedAnswer({ messages: request.messages });
  if (scripted !== undefined) {
    return {
      promptTokens,
      choices: new Array<GeneratedText>(choiceCount).fill(scripted.answer),
      script: scripted.script,
      toolCalls: undefined,
    };
  }
  const seed = seedFrom('chat', request.model, JSON.stringify(request.messages));
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const choices: GeneratedText[] = [];
  for (let index = 0; index < choiceCount; index++) {
    const choiceSeed = index === 0 ? seed : deriveSeed(seed, index);
    choices.push(generateText({ seed: choiceSeed, maxTokens, minTokens: chunks, stop: request.stop }));
  }
  return { promptTokens, choices, script: undefined, toolCalls: undefined };
}

function completionTokensOf(result: ChatCompletionResult): number {
  if (result.toolCalls !== undefined) return result.toolCalls.outputTokens * result.toolCalls.choiceCount;
  return result.choices.reduce((total, choice) => total + choice.tokens.length, 0);
}

/** OpenAI's `tool_calls` of one choice, each with an id of its own. */
function toolCallsMessage(calls: readonly ToolCall[]) {
  return calls.map((call) => ({
    id: newId('call_'),
    type: 'function',
    function: { name: call.name, arguments: call.json },
  }));
}

/**
 * The stream deltas of one choice's calls, as OpenAI sends them: per call, one delta with its index, id and
 * name and empty arguments, then the arguments in `chunks` pieces; last, an empty delta with `finish_reason`.
 */
function* toolCallDeltas(calls: readonly ToolCall[], chunks: number): Generator<{ delta: object; last: boolean }> {
  for (const [index, call] of calls.entries()) {
    const opening = { index, id: newId('call_'), type: 'function', function: { name: call.name, arguments: '' } };
    yield {
      delta: index === 0 ? { role: 'assistant', content: null, tool_calls: [opening] } : { tool_calls: [opening] },
      last: false,
    };
    for (const piece of argumentPieces(call.json, chunks)) {
      yield { delta: { tool_calls: [{ index, function: { arguments: piece } }] }, last: false };
    }
  }
  yield { delta: {}, last: true };
}

export function registerChatCompletionsRoute(app: FastifyInstance): void {
  app.post('/v1/chat/completions', async (request, reply) => {
    const body = parseBody(chatCompletionRequestSchema, request.body, 'openai');
    const faults = request.mockFaults;
    const result = answerChatCompletion(body, faults.chunks);
    const usage = openAiUsage(result.promptTokens, completionTokensOf(result));
    const id = newId('chatcmpl-');
    const created = unixSeconds();

    const { toolCalls } = result;

    if (body.stream !== true) {
      const choices =
        toolCalls === undefined
          ? result.choices.map((choice, index) => ({
              index,
              message: { role: 'assistant', content: choice.text, refusal: null, annotations: [] },
              logprobs: null,
              finish_reason: openAiFinishReason(choice.cause),
            }))
          : Array.from({ length: toolCalls.choiceCount }, (_, index) => ({
              index,
              message: {
                role: 'assistant',
                content: null,
                tool_calls: toolCallsMessage(toolCalls.calls),
                refusal: null,
                annotations: [],
              },
              logprobs: null,
              finish_reason: 'tool_calls',
            }));
      return {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices,
        usage,
        service_tier: 'default',
        system_fingerprint: SYSTEM_FINGERPRINT,
      };
    }

    // As OpenAI does when usage is requested, every chunk carries `usage: null` and a last chunk the totals.
    const includeUsage = body.stream_options?.include_usage === true;
    const envelope = { id, object: 'chat.completion.chunk', created, model: body.model };
    const usageField = includeUsage ? { usage: null } : {};
    const chunkFrame = (index: number, delta: object, finishReason: string | null) =>
      sseFrame({
        ...envelope,
        system_fingerprint: SYSTEM_FINGERPRINT,
        choices: [{ index, delta, logprobs: null, finish_reason: finishReason }],
        ...usageField,
      });
    function* toolCallFrames(calls: readonly ToolCall[], choiceCount: number): Generator<string> {
      for (let index = 0; index < choiceCount; index++) {
        for (const { delta, last } of toolCallDeltas(calls, faults.chunks)) {
          yield chunkFrame(index, delta, last ? 'tool_calls' : null);
        }
      }
    }
    function* contentFrames(): Generator<string> {
      for (const [index, choice] of result.choices.entries()) {
        const pieces = streamPieces(choice, result.script, faults);
        const finishReason = openAiFinishReason(choice.cause);
        for (const [position, content] of pieces.entries()) {
          const last = position === pieces.length - 1;
          yield chunkFrame(
            index,
            position === 0 ? { role: 'assistant', content } : { content },
            last ? finishReason : null,
          );
        }
      }
    }
    const tail = includeUsage
      ? [sseFrame({ ...envelope, system_fingerprint: SYSTEM_FINGERPRINT, choices: [], usage })]
      : [];
    tail.push(sseFrame('[DONE]'));
    return streamSse(
      reply,
      {
        head: [],
        content: toolCalls === undefined ? contentFrames() : toolCallFrames(toolCalls.calls, toolCalls.choiceCount),
        tail,
        errorFrame: sseFrame(openAiStreamErrorEvent()),
      },
      faults,
    );
  });
}
