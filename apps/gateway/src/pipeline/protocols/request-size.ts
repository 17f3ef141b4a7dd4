import { GatewayErrorCode } from '@gatehouse/contracts';
import { type InputTokenEstimator, utf8Length } from '@gatehouse/domain';
import { GatewayError } from '../../common/gateway-error';
import { type ModelCall } from './model-call';

/** A policy's size limits on one request (`validation` in a policy document); absent or null = no limit. */
export interface RequestSizeLimits {
  maxBodyBytes?: number | null;
  maxMessages?: number | null;
  maxInputTokens?: number | null;
}

/** Where each endpoint's input is, which a refusal of its size names. */
const INPUT_PARAM = {
  'chat.completions': 'messages',
  messages: 'messages',
  // The input the policy measures is the chat translation's messages; the client wrote them as `input`.
  responses: 'input',
  completions: 'prompt',
  embeddings: 'input',
} as const satisfies Record<ModelCall['endpoint'], string>;

/**
 * The first size limit the call breaks, or null: its body's bytes (413), its message count (chat, messages, and
 * responses, whose input items count as the chat messages they become) and its estimated input tokens (400, naming
 * the field that holds the input). The policy stage calls it with the effective policy's `validation` section; the
 * estimate is the one the limits reserve for, so a request the policy admits is counted the same way there.
 */
export function requestSizeRefusal(
  call: Pick<ModelCall, 'endpoint' | 'body' | 'bodyBytes'>,
  limits: RequestSizeLimits,
  estimator: InputTokenEstimator,
): GatewayError | null {
  const { maxBodyBytes, maxMessages, maxInputTokens } = limits;
  if (isLimit(maxBodyBytes)) {
    // A chunked body declared no length: measured as JSON, which is what the upstream is sent.
    const bytes = call.bodyBytes ?? utf8Length(JSON.stringify(call.body));
    if (bytes > maxBodyBytes) {
      return new GatewayError(
        413,
        GatewayErrorCode.InvalidRequest,
        'invalid_request_error',
        `The request body is ${bytes} bytes, more than the policy allows (validation.maxBodyBytes: ${maxBodyBytes}).`,
      );
    }
  }
  const messages = call.body['messages'];
  if (isLimit(maxMessages) && Array.isArray(messages) && messages.length > maxMessages) {
    const param = INPUT_PARAM[call.endpoint];
    return GatewayError.of(
      GatewayErrorCode.InvalidRequest,
      `${param}: ${messages.length} messages, more than the policy allows (validation.maxMessages: ${maxMessages}).`,
      param,
    );
  }
  if (isLimit(maxInputTokens)) {
    const tokens = estimator.estimateInputTokens(call.endpoint, call.body);
    if (tokens > maxInputTokens) {
      const param = INPUT_PARAM[call.endpoint];
      return GatewayError.of(
        GatewayErrorCode.InvalidRequest,
        `${param}: the input is estimated at ${tokens} tokens, more than the policy allows ` +
          `(validation.maxInputTokens: ${maxInputTokens}).`,
        param,
      );
    }
  }
  return null;
}

function isLimit(value: number | null | undefined): value is number {
  return value !== null && value !== undefined;
}
