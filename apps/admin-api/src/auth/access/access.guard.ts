import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isUuid } from '@gatehouse/db';
import { PUBLIC_ROUTE } from '@gatehouse/observability';
import { ApiError } from '../../common/errors/api-error';
import { type AuthenticatedRequest } from '../current-user.decorator';
import { SESSION_COOKIE } from '../session-tokens';
import { SessionService } from '../session.service';
import { ACCESS_RULE, type AccessRule, roleAtLeast } from './access-rule';

/**
 * The admin API's one guard, global: it authenticates the caller (session cookie or bearer token) and
 * applies the route's access rule. A route without a rule is treated as `signed-in`, and a test fails it.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const operational = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets);
    const rule: AccessRule = operational
      ? { kind: 'public' }
      : (this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, targets) ?? { kind: 'signed-in' });
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();

    const token = sessionToken(request);
    const user = token ? await this.sessions.authenticate(token) : null;
    if (user) request.user = user;
    if (rule.kind === 'public') return true;
    if (!user) throw new ApiError(401, 'unauthenticated', 'Sign in first: no valid session or bearer token was sent.');

    switch (rule.kind) {
      case 'signed-in':
        return true;
      case 'admin':
        if (!user.isPlatformAdmin) throw ApiError.forbidden('Only platform admins may do this.', 'admin_only');
        return true;
      case 'tenant': {
        const tenantId = request.params['tenantId'];
        // A tenant the caller does not belong to answers exactly like one that does not exist.
        const notFound = ApiError.notFound('Tenant');
        if (typeof tenantId !== 'string' || !isUuid(tenantId)) throw notFound;
        if (user.isPlatformAdmin) return true;
        const membership = user.memberships.find((candidate) => candidate.tenantId === tenantId);
        if (!membership) throw notFound;
        if (!roleAtLeast(membership.role, rule.role)) {
          throw ApiError.forbidden(
            `This needs the ${rule.role.toLowerCase()} role in this tenant.`,
            'insufficient_role',
          );
        }
        return true;
      }
    }
  }
}

function sessionToken(request: AuthenticatedRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || null;
  const cookies = request.cookies as Record<string, string | undefined> | undefined;
  return cookies?.[SESSION_COOKIE] ?? null;
}
