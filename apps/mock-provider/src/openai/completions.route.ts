import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../errors/validation';
import { newId, unixSeconds } from '../simulation/ids';
import { deriveSeed, seedFrom } from '../simulation/seeded-random';
import { generateText, splitIntoChunks, type GeneratedText } from '../simulation/text-generator';
import { countTextTokens } from '../simulation/token-counter';
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

const tokenArray = z.array(z.number().int().min(0));

export const completionRequestSchema = z.looseObject({
  model: z.string().min(1),
  // A prompt, a batch of prompts, or the same as token ids: OpenAI's four accepted forms.
  prompt: z.union([z.string(), z.array(z.string()).min(1), tokenArray.min(1), z.array(tokenArray.min(1)).min(1)]),
  max_tokens: maxTokensField,
  n: choiceCountField,
  stop: stopField,
  stream: z.boolean().nullish(),
  stream_options: streamOptionsField,
});

export type CompletionRequest = z.output<typeof completionRequestSchema>;

interface PromptItem {
  /** The prompt as text, or its token ids joined, for seeding. */
  key: string;
  tokens: number;
}

function promptItems(prompt: CompletionRequest['prompt']): PromptItem[] {
  if (typeof prompt === 'string') return [{ key: prompt, tokens: countTextTokens(prompt) }];
  if (prompt.every((item) => typeof item === 'number')) {
    return [{ key: `tokens:${prompt.join(',')}`, tokens: prompt.length }];
  }
  return prompt.map((item) =>
    typeof item === 'string'
      ? { key: item, tokens: countTextTokens(item) }
      : { key: `tokens:${item.join(',')}`, tokens: item.length },
  );
}

export interface CompletionResult {
  promptTokens: number;
  /** `n` choices per prompt, prompt after prompt, as OpenAI orders them. */
  choices: GeneratedText[];
}

/** Legacy completions follow the chat rule: the text depends on the model and the prompt only. */
export function answerCompletion(request: CompletionRequest, chunks: number): CompletionResult {
  const choices: GeneratedText[] = [];
  let promptTokens = 0;
  for (const item of promptItems(request.prompt)) {
    promptTokens += item.tokens;
    const seed = seedFrom('completion', request.model, item.key);
    for (let index = 0; index < (request.n ?? 1); index++) {
      const choiceSeed = index === 0 ? seed : deriveSeed(seed, index);
      choices.push(
        generateText({
          seed: choiceSeed,
          maxTokens: request.max_tokens ?? undefined,
          minTokens: chunks,
          stop: request.stop,
        }),
      );
    }
  }
  return { promptTokens, choices };
}

export function registerCompletionsRoute(app: FastifyInstance): void {
  app.post('/v1/completions', async (request, reply) => {
    const body = parseBody(completionRequestSchema, request.body, 'openai');
    const faults = request.mockFaults;
    const result = answerCompletion(body, faults.chunks);
    const completionTokens = result.choices.reduce((total, choice) => total + choice.tokens.length, 0);
    const usage = openAiUsage(result.promptTokens, completionTokens);
    const envelope = { id: newId('cmpl-'), object: 'text_completion', created: unixSeconds(), model: body.model };

    if (body.stream !== true) {
      return {
        ...envelope,
        system_fingerprint: SYSTEM_FINGERPRINT,
        choices: result.choices.map((choice, index) => ({
          text: choice.text,
          index,
          logprobs: null,
          finish_reason: openAiFinishReason(choice.cause),
        })),
        usage,
      };
    }

    const includeUsage = body.stream_options?.include_usage === true;
    const usageField = includeUsage ? { usage: null } : {};
    function* contentFrames(): Generator<string> {
      for (const [index, choice] of result.choices.entries()) {
        const pieces = splitIntoChunks(choice.tokens, faults.chunks);
        const finishReason = openAiFinishReason(choice.cause);
        for (const [position, text] of pieces.entries()) {
          const last = position === pieces.length - 1;
          yield sseFrame({
            ...envelope,
            system_fingerprint: SYSTEM_FINGERPRINT,
            choices: [{ text, index, logprobs: null, finish_reason: last ? finishReason : null }],
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
