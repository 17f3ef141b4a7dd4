import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Request } from 'express';
import { type Actor, type AuthenticatedUser } from './authenticated-user';

export type AuthenticatedRequest = Request & { user?: AuthenticatedUser };

/** The signed-in user of a route whose access rule requires one. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new Error('@CurrentUser() used on a route that does not require a signed-in user');
  return user;
});

/** The caller for the audit trail: user id (null when anonymous) and client address. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  return { userId: request.user?.id ?? null, ip: request.ip ?? null };
});
