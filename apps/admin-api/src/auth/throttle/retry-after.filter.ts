import { type ArgumentsHost, Catch } from '@nestjs/common';
import { type Response } from 'express';
import { ApiExceptionFilter } from '../../common/errors/api-exception.filter';
import { TooManyAttemptsError } from './login-throttle';

/** Adds `Retry-After` to a throttled sign-in, then answers like every other error. */
@Catch(TooManyAttemptsError)
export class RetryAfterFilter extends ApiExceptionFilter {
  override catch(exception: TooManyAttemptsError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().setHeader('retry-after', String(exception.retryAfterSeconds));
    super.catch(exception, host);
  }
}
