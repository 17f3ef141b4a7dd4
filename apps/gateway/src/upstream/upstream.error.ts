import { type IncomingHttpHeaders } from 'node:http';
import { type UpstreamAttempt, type UpstreamProviderSummary } from './upstream.types';

/**
 * - `timeout`: the deadline ran out, or the last attempt timed out (→ 504);
 * - `unavailable`: every target's circuit is open (→ 503);
 * - `upstream_status`: the last attempt got an error status, in `upstreamStatus` / `upstreamBody` (→ 502, unless
 *   the endpoint passes a provider-shaped 4xx through);
 * - `connection`: the last attempt could not connect or lost the connection before headers (→ 502);
 * - `not_configured`: no target names a configured provider (→ 502; a catalog error, not the client's);
 * - `client_aborted`: the client went away (499 in logs; nobody is left to answer).
 */
export type UpstreamErrorKind =
  'timeout' | 'unavailable' | 'upstream_status' | 'connection' | 'not_configured' | 'client_aborted';

export interface UpstreamErrorDetails {
  upstreamStatus?: number;
  /** The last error response's body, capped (UPSTREAM_ERROR_BODY_LIMIT). Provider-shaped; never holds our credential. */
  upstreamBody?: string;
  upstreamHeaders?: IncomingHttpHeaders;
  /** The provider that sent that error response: its type says which API's shape `upstreamBody` is in. */
  upstreamProvider?: UpstreamProviderSummary;
  attempts: UpstreamAttempt[];
}

export class UpstreamError extends Error {
  readonly upstreamStatus: number | undefined;
  readonly upstreamBody: string | undefined;
  readonly upstreamHeaders: IncomingHttpHeaders | undefined;
  readonly upstreamProvider: UpstreamProviderSummary | undefined;
  readonly attempts: UpstreamAttempt[];

  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
    details: UpstreamErrorDetails,
  ) {
    super(message);
    this.name = 'UpstreamError';
    this.upstreamStatus = details.upstreamStatus;
    this.upstreamBody = details.upstreamBody;
    this.upstreamHeaders = details.upstreamHeaders;
    this.upstreamProvider = details.upstreamProvider;
    this.attempts = details.attempts;
  }

  /** The gateway's status for this failure (502/504 for upstream errors, docs/api.md). */
  get httpStatus(): number {
    switch (this.kind) {
      case 'timeout':
        return 504;
      case 'unavailable':
        return 503;
      case 'client_aborted':
        return 499;
      default:
        return 502;
    }
  }
}

/** A request to an origin that is not a configured provider, or a path that could leave it. Never retried. */
export class UpstreamOriginRefusedError extends Error {
  constructor(reason: string) {
    super(`Refused upstream request: ${reason}`);
    this.name = 'UpstreamOriginRefusedError';
  }
}
