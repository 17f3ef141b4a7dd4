/**
 * Error codes of the gateway, in OpenAI's error shape `{ error: { message, type, param, code } }`
 * (Anthropic's shape on `/v1/messages`). Clients and external tests match on these codes.
 */
export const GatewayErrorCode = {
  InvalidApiKey: 'invalid_api_key',
  ModelNotAllowed: 'model_not_allowed',
  /** The key is valid but a platform admin suspended its tenant. */
  TenantSuspended: 'tenant_suspended',
  ModelNotFound: 'model_not_found',
  RateLimitExceeded: 'rate_limit_exceeded',
  InsufficientQuota: 'insufficient_quota',
  QuotaBackendUnavailable: 'quota_backend_unavailable',
  UpstreamError: 'upstream_error',
  UpstreamTimeout: 'upstream_timeout',
  InvalidRequest: 'invalid_request_error',
  /** An access rule of a policy document refused the call (its message names the document and the rule). */
  PolicyAccessDenied: 'policy_access_denied',
  /** A content rule of a policy document refused the request (its message names the rule: `pii.input: EMAIL`). */
  ContentPolicyViolation: 'content_policy_violation',
} as const;

export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

export const gatewayErrorStatus: Record<GatewayErrorCode, number> = {
  invalid_api_key: 401,
  model_not_allowed: 403,
  tenant_suspended: 403,
  model_not_found: 404,
  rate_limit_exceeded: 429,
  insufficient_quota: 429,
  quota_backend_unavailable: 503,
  upstream_error: 502,
  upstream_timeout: 504,
  invalid_request_error: 400,
  policy_access_denied: 403,
  content_policy_violation: 400,
};

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The admin API's error body: `{ statusCode, code, message, details? }`. */
export interface AdminApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}
