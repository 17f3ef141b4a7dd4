import { GatewayErrorCode } from '@gatehouse/contracts';
import { type LlmEndpoint } from '@gatehouse/domain';
import { GatewayError } from '../../common/gateway-error';
import { messagesRequestSchema } from './anthropic/anthropic-request';
import { type ModelCall } from './model-call';
import { chatCompletionRequestSchema, completionRequestSchema, embeddingRequestSchema } from './openai/openai-request';
import { responsesRequestSchema } from './responses/responses-request';

/** Every parameter each endpoint's API reference defines: the keys of its request schema. */
const KNOWN_PARAMETERS: Record<LlmEndpoint, ReadonlySet<string>> = {
  'chat.completions': new Set(Object.keys(chatCompletionRequestSchema.shape)),
  completions: new Set(Object.keys(completionRequestSchema.shape)),
  embeddings: new Set(Object.keys(embeddingRequestSchema.shape)),
  messages: new Set(Object.keys(messagesRequestSchema.shape)),
  responses: new Set(Object.keys(responsesRequestSchema.shape)),
};

/**
 * The top-level fields of the call's body that its API reference does not define. By default they pass through
 * (providers add fields of their own); a policy with `validation.strictParams` refuses them with
 * `strictParamsRefusal`, the hook the policy stage calls.
 */
export function unknownParameters(call: Pick<ModelCall, 'endpoint' | 'body' | 'requestParameters'>): string[] {
  const known = KNOWN_PARAMETERS[call.endpoint];
  return (call.requestParameters ?? Object.keys(call.body)).filter((name) => !known.has(name));
}

/** 400 `invalid_request_error` naming the first parameter the reference does not define; null when there is none. */
export function strictParamsRefusal(
  call: Pick<ModelCall, 'endpoint' | 'body' | 'requestParameters'>,
): GatewayError | null {
  const [first] = unknownParameters(call);
  if (first === undefined) return null;
  return GatewayError.of(
    GatewayErrorCode.InvalidRequest,
    `${first}: unknown parameter (validation.strictParams accepts only the parameters of the API reference)`,
    first,
  );
}
