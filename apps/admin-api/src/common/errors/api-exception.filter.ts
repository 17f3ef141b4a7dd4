import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type AdminApiErrorBody } from '@gatehouse/contracts';
import { Prisma } from '@gatehouse/db';
import { QuotaBackendUnavailableError } from '@gatehouse/redis';
import { type Response } from 'express';
import { ZodValidationException } from 'nestjs-zod';
import { type ZodError } from 'zod';
import { ApiError } from './api-error';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

/**
 * The admin API's one exception filter: every error leaves as `{ statusCode, code, message, details? }`.
 * Validation errors name each field and its reason; anything unexpected is a 500 with a generic message
 * (the cause goes to the log, never to the client); a database outage is a 503, and so is one of the Redis that
 * holds the limits counters.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    sendApiError(host.switchToHttp().getResponse<Response>(), exception, this.logger);
  }
}

/**
 * Answers `exception` in the one error shape. The filter's path, and that of the Express middleware that runs before
 * Nest routes a request (request hygiene, body parsing), which Nest's filters do not cover.
 */
export function sendApiError(response: Response, exception: unknown, logger: Logger): void {
  const body = errorBody(exception);
  if (body.statusCode >= 500) logger.error(exception instanceof Error ? exception.stack : String(exception));
  response.status(body.statusCode).json(body);
}

function errorBody(exception: unknown): AdminApiErrorBody {
  if (exception instanceof ZodValidationException) {
    return {
      statusCode: 400,
      code: 'validation_failed',
      message: 'The request is not valid: see details for each field.',
      details: fieldErrors(exception.getZodError() as ZodError),
    };
  }
  if (exception instanceof ApiError) {
    const body: AdminApiErrorBody = {
      statusCode: exception.getStatus(),
      code: exception.code,
      message: exception.message,
    };
    if (exception.details !== undefined) body.details = exception.details;
    return body;
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? [response.message].flat().join('; ')
        : exception.message;
    return { statusCode: status, code: CODE_BY_STATUS[status] ?? 'error', message };
  }
  if (exception instanceof Prisma.PrismaClientKnownRequestError) {
    if (exception.code === 'P2002') return { statusCode: 409, code: 'conflict', message: 'It already exists.' };
    if (exception.code === 'P2025') return { statusCode: 404, code: 'not_found', message: 'Not found.' };
  }
  if (exception instanceof QuotaBackendUnavailableError) {
    return {
      statusCode: 503,
      code: 'quota_backend_unavailable',
      message: 'The usage counters are not reachable; try again shortly.',
    };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      statusCode: 503,
      code: 'database_unavailable',
      message: 'The database is not reachable; try again shortly.',
    };
  }
  return { statusCode: 500, code: 'internal_error', message: 'Something went wrong on our side.' };
}

/** `[{ field: 'limits.rpm', reason: 'Too small: expected number to be >0' }]`, in the order zod found them. */
export function fieldErrors(error: ZodError): { field: string; reason: string }[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', reason: issue.message }));
}

function isDatabaseUnavailable(exception: unknown): boolean {
  if (exception instanceof Prisma.PrismaClientInitializationError) return true;
  const code = (exception as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ['ECONNREFUSED', 'ETIMEDOUT', 'P1001', 'P1002', 'P1017'].includes(code);
}
