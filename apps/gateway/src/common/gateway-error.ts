import { GatewayErrorCode, gatewayErrorStatus } from '@gatehouse/contracts';

/** OpenAI's `error.type` for each code (what the official SDKs map to their exception classes). */
const TYPE_BY_CODE: Record<GatewayErrorCode, string> = {
  invalid_api_key: 'invalid_request_error',
  model_not_allowed: 'permission_error',
  tenant_suspended: 'permission_error',
  model_not_found: 'invalid_request_error',
  rate_limit_exceeded: 'rate_limit_error',
  insufficient_quota: 'insufficient_quota',
  quota_backend_unavailable: 'api_error',
  upstream_error: 'api_error',
  upstream_timeout: 'api_error',
  invalid_request_error: 'invalid_request_error',
  policy_access_denied: 'permission_error',
  content_policy_violation: 'invalid_request_error',
};

/** Not a contract code: a dependency of the key lookup (Postgres, Redis) is down. Never a 401 or a 500. */
export const SERVICE_UNAVAILABLE_CODE = 'service_unavailable';

/**
 * A gateway error with its documented status and code; the exception filter writes it in OpenAI's shape.
 * Throw it from anywhere on the request path (guards, services, controllers).
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly type: string,
    message: string,
    readonly param: string | null = null,
    /** Extra response headers (`retry-after`, `x-should-retry`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  /** An error of the contract (`libs/contracts` errors): status and type follow from the code. */
  static of(code: GatewayErrorCode, message: string, param: string | null = null): GatewayError {
    return new GatewayError(gatewayErrorStatus[code], code, TYPE_BY_CODE[code], message, param);
  }

  static invalidApiKey(message: string): GatewayError {
    return GatewayError.of(GatewayErrorCode.InvalidApiKey, message);
  }

  static serviceUnavailable(message: string): GatewayError {
    return new GatewayError(503, SERVICE_UNAVAILABLE_CODE, 'api_error', message);
  }
}
