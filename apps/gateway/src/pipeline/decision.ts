import { type GatewayError } from '../common/gateway-error';

/** What a stage that may refuse returns: go on, or end the request with this error. */
export type Decision = { allowed: true } | { allowed: false; refusal: GatewayError };

export const ALLOW: Decision = { allowed: true };

export function refuse(refusal: GatewayError): Decision {
  return { allowed: false, refusal };
}
