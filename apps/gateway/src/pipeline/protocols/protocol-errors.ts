import { GatewayErrorCode } from '@gatehouse/contracts';
import { type TranslationError } from '@gatehouse/domain';
import { GatewayError } from '../../common/gateway-error';

/**
 * A request the translation to the target's API cannot express: 400, naming the client's field in `param` and at the
 * start of the message, as the request checks do (Anthropic's error shape has no `param`: its clients read the
 * field from the message).
 */
export function unsupportedByTranslation(error: TranslationError): GatewayError {
  return new GatewayError(
    400,
    'unsupported_parameter',
    'invalid_request_error',
    `${error.param}: ${error.message}`,
    error.param,
  );
}

/** The model's providers of this type do not serve the endpoint at all (Anthropic has no legacy completions). */
export function endpointNotSupported(model: string): GatewayError {
  return GatewayError.of(
    GatewayErrorCode.InvalidRequest,
    `The model '${model}' does not support this endpoint.`,
    'model',
  );
}
