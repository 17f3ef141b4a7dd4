import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../errors/validation';
import { newId, unixSeconds } from '../simulation/ids';
import { deriveSeed, seedFrom } from '../simulation/seeded-random';
import { scriptedAnswer, streamPieces, type Script } from '../simulation/scripted-answers';
import { generateText, type GeneratedText } from '../simulation/text-generator';
import { countConversationTokens } from '../simulation/token-counter';
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
}

/**
 * The answer to a chat request, a pure function of the request and the chunk count: the text depends on the
 * model and the messages only, so `stream`, `max_tokens` and `stop` change how much of it is returned, never
 * which words. A scripted answer (`echo:`, `say:`) is returned whole.
 */
export function answerChatCompletion(request: ChatCompletionRequest, chunks: number): ChatCompletionResult {
  const promptTokens = countConversationTokens(request.messages, request.tools);
  const choiceCount = request.n ?? 1;
  const scripted = scriptedAnswer({ messages: request.messages });
  if (scripted !== undefined) {
    return {
      promptTokens,
      choices: new Array<GeneratedText>(choiceCount).fill(scripted.answer),
      script: scripted.script,
    };
  }
  const seed = seedFrom('chat', request.model, JSON.stringify(request.messages));
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const choices: GeneratedText[] = [];
  for (let index = 0; index < choiceCount; index++) {
    const choiceSeed = index === 0 ? seed : deriveSeed(seed, index);
    choices.push(generateText({ seed: choiceSeed, maxTokens, minTokens: chunks, stop: request.stop }));
  }
  return { promptTokens, choices, script: undefined };
}

function completionTokensOf(result: ChatCompletionResult): number {
  return result.choices.reduce((total, choice) => total + choice.tokens.length, 0);
}

export function registerChatCompletionsRoute(app: FastifyInstance): void {
  app.post('/v1/chat/completions', async (request, reply) => {
    const body = parseBody(chatCompletionRequestSchema, request.body, 'openai');
    const faults = request.mockFaults;
    const result = answerChatCompletion(body, faults.chunks);
    const usage = openAiUsage(result.promptTokens, completionTokensOf(result));
    const id = newId('chatcmpl-');
    const created = unixSeconds();

    if (body.stream !== true) {
      return {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: result.choices.map((choice, index) => ({
          index,
          message: { role: 'assistant', content: choice.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: openAiFinishReason(choice.cause),
        })),
        usage,
        service_tier: 'default',
        system_fingerprint: SYSTEM_FINGERPRINT,
      };
    }

    // As OpenAI does when usage is requested, every chunk carries `usage: null` and a last chunk the totals.
    const includeUsage = body.stream_options?.include_usage === true;
    const envelope = { id, object: 'chat.completion.chunk', created, model: body.model };
    const usageField = includeUsage ? { usage: null } : {};
    function* contentFrames(): Generator<string> {
      for (const [index, choice] of result.choices.entries()) {
        const pieces = streamPieces(choice, result.script, faults);
        const finishReason = openAiFinishReason(choice.cause);
        for (const [position, content] of pieces.entries()) {
          const last = position === pieces.length - 1;
          yield sseFrame({
            ...envelope,
            system_fingerprint: SYSTEM_FINGERPRINT,
            choices: [
              {
                index,
                delta: position === 0 ? { role: 'assistant', content } : { content },
                logprobs: null,
                finish_reason: last ? finishReason : null,
              },
            ],
            ...usageField,
          });
        }
      }
    }
    const tail = includeUsage
      ? [sseFrame({ ...envelope, system_fingerprint: SYSTEM_FINGERPRINT, choices: [], usage })]
      : [];
    tail.push(sseFrame('[DONE]'));
    return streamSse(
      reply,
      { head: [], content: contentFrames(), tail, errorFrame: sseFrame(openAiStreamErrorEvent()) },
      faults,
    );
  });
}
