/**
 * Which upstream statuses are worth another attempt: 429 (rate limited; wait, maybe elsewhere) and every 5xx
 * (the upstream failed, not the request). Other 4xx describe the request itself and would fail the same way again.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * 4xx statuses that say something about the target rather than the request: a wrong or revoked credential
 * (401, 403) or a model this provider does not serve (404). Retrying the same target is pointless, but another
 * target of the route may well succeed, so the router falls back without retrying.
 */
export function isTargetSpecificStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 404;
}
