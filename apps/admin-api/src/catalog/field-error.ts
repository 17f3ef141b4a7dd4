import { ApiError } from '../common/errors/api-error';

/**
 * A 400 naming the field at fault, in the same shape as the validation pipe's errors: for checks that need
 * the database (a referenced provider, an allowed model), which the zod schema cannot make.
 */
export function invalidField(field: string, reason: string): ApiError {
  return ApiError.badRequest('validation_failed', 'The request is not valid: see details for each field.', [
    { field, reason },
  ]);
}
