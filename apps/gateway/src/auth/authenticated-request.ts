import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import { type FastifyRequest } from 'fastify';

/** A request that passed the API key guard: the key's snapshot rides along. */
export type AuthenticatedRequest = FastifyRequest & { apiKey: KeySnapshot };

/** The authenticated key of the request, as a handler parameter: `@CurrentKey() key: KeySnapshot`. */
export const CurrentKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): KeySnapshot =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().apiKey,
);
