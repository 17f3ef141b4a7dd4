import { z } from 'zod';

/** admin-api's error body (docs/api.md): `{ statusCode, code, message, details? }`. */
export const apiErrorBodySchema = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});

/** The proxy's own answer when admin-api does not respond (app/api/v1/[...path]/route.ts). */
export const UNREACHABLE = 'control_plane_unreachable';
/** admin-api answered in a shape this portal does not understand: the two are out of step. */
export const UNEXPECTED = 'unexpected_response';

/** A refusal or failure of admin-api, with its documented status and code. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }

  static unreachable(): AdminApiError {
    return new AdminApiError(502, UNREACHABLE, 'The Gatehouse control plane is not reachable. Try again in a moment.');
  }

  static unexpected(status: number): AdminApiError {
    return new AdminApiError(
      status,
      UNEXPECTED,
      'The control plane answered in a shape this portal does not recognise. The two may be on different versions.',
    );
  }
}

/** Turns any non-2xx answer into an AdminApiError, whatever its body. */
export function errorFromResponse(status: number, payload: unknown): AdminApiError {
  const body = apiErrorBodySchema.safeParse(payload);
  if (!body.success) return status >= 500 ? AdminApiError.unreachable() : AdminApiError.unexpected(status);
  return new AdminApiError(body.data.statusCode, body.data.code, body.data.message, body.data.details);
}

const fieldDetailsSchema = z.array(z.object({ field: z.string(), reason: z.string() }));

/**
 * The per-field reasons of a `400 validation_failed` (`details: [{ field, reason }]`), keyed by field path
 * (`name`, `expiresAt`, `subscriptionIds.0`), so a form can show each one under its input.
 */
export function fieldErrors(error: AdminApiError): Record<string, string> {
  const details = fieldDetailsSchema.safeParse(error.details);
  if (!details.success) return {};
  const errors: Record<string, string> = {};
  for (const { field, reason } of details.data) errors[field] ??= reason;
  return errors;
}
