import { HttpException } from '@nestjs/common';

/**
 * An error the API answers on purpose, with a stable machine-readable `code`. The exception filter turns
 * it into `{ statusCode, code, message, details? }`.
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super({ statusCode: status, code, message, details }, status);
  }

  static notFound(what: string, code = `${what.toLowerCase().replace(/\s+/g, '_')}_not_found`): ApiError {
    return new ApiError(404, code, `${what} not found`);
  }

  static forbidden(message: string, code = 'forbidden'): ApiError {
    return new ApiError(403, code, message);
  }

  static conflict(code: string, message: string): ApiError {
    return new ApiError(409, code, message);
  }

  static badRequest(code: string, message: string, details?: unknown): ApiError {
    return new ApiError(400, code, message, details);
  }
}
