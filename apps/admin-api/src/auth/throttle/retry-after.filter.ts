import { type ArgumentsHost, Catch } from '@nestjs/common';
import { type Response } from 'express';
import { ApiExceptionFilter } from '../../common/errors/api-exception.filter';
import { RetryLaterError } from './fixed-window-throttle';

/** Adds `Retry-After` to a throttled request (sign-in, sign-up, creations), then answers like every other error. */
@Catch(RetryLaterError)
export class RetryAfterFilter extends ApiExceptionFilter {
  override catch(exception: RetryLaterError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().setHeader('retry-after', String(exception.retryAfterSeconds));
    super.catch(exception, host);
  }
}
