import { Inject, Injectable } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { type AuthUser, type LoginRequest, type SignupRequest } from '@gatehouse/contracts';
import { EmailTakenError, TransactionRunner, UserRepository, type UserWithMemberships } from '@gatehouse/db';
import { ADMIN_API_CONFIG } from '../admin-api.constants';
import { AuditService } from '../audit/audit.service';
import { ApiError } from '../common/errors/api-error';
import { type AuthenticatedUser } from './authenticated-user';
import { PasswordHasher } from './password-hasher';
import { SessionService } from './session.service';
import { CreationThrottle } from './throttle/creation-throttle';
import { LoginThrottle } from './throttle/login-throttle';

/** Who is calling, as far as a session records it. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** A new session: what the client receives (`token`, `user`) and when the cookie should expire. */
export interface StartedSession {
  token: string;
  expiresAt: Date;
  user: AuthUser;
}

const INVALID_CREDENTIALS = 'The email or password is not correct.';

/** Sign-up, password sign-in, sign-out and the current user. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly creations: CreationThrottle,
    @Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig,
  ) {}

  /** Creates the user, their tenant and their owner membership, audited, in one transaction; then signs in. */
  async signup(request: SignupRequest, client: ClientInfo): Promise<StartedSession> {
    if (!this.config.auth.signupEnabled) throw signupDisabled();
    await this.creations.signup(client.ip);
    const passwordHash = await this.passwords.hash(request.password);
    const user = await this.transactions
      .run(async (tx) => {
        const users = new UserRepository(tx);
        const tenant = await users.createTenant(request.tenantName);
        const created = await users.createWithMembership(
          { email: request.email, name: request.name, passwordHash },
          { tenantId: tenant.id, role: 'OWNER' },
        );
        await this.audit.record(tx, {
          actor: { userId: created.id, ip: client.ip },
          action: 'user.signup',
          targetType: 'user',
          targetId: created.id,
          tenantId: tenant.id,
          after: { email: created.email, name: created.name, tenant: { id: tenant.id, name: tenant.name } },
        });
        return created;
      })
      .catch((error: unknown) => {
        if (error instanceof EmailTakenError) {
          throw ApiError.conflict('email_taken', 'An account with this email exists already; sign in instead.');
        }
        throw error;
      });
    return this.startSession(user, client);
  }

  /**
   * Password sign-in. An unknown email and a wrong password get the same answer in about the same time; the
   * throttle counts the attempt before the password is checked.
   */
  async login(request: LoginRequest, client: ClientInfo): Promise<StartedSession> {
    await this.throttle.reserve(request.email, client.ip);
    const credentials = await this.users.findCredentials(request.email);
    const valid = await this.passwords.verify(credentials?.passwordHash ?? null, request.password);
    if (!credentials || !valid) throw new ApiError(401, 'invalid_credentials', INVALID_CREDENTIALS);
    await this.throttle.succeeded(request.email, client.ip);
    const user = await this.users.findWithMemberships(credentials.id);
    if (!user) throw new ApiError(401, 'invalid_credentials', INVALID_CREDENTIALS);
    return this.startSession(user, client);
  }

  /** Starts a session for a user who proved who they are some other way (SSO). */
  async startSession(user: UserWithMemberships, client: ClientInfo): Promise<StartedSession> {
    const session = await this.sessions.start(user.id, client);
    await this.users.recordLogin(user.id);
    return { token: session.token, expiresAt: session.expiresAt, user: toAuthUser(user) };
  }

  async logout(user: AuthenticatedUser): Promise<void> {
    await this.sessions.end(user.sessionId);
  }

  me(user: AuthenticatedUser): { user: AuthUser } {
    return { user: toAuthUser(user) };
  }
}

export function signupDisabled(): ApiError {
  return ApiError.forbidden(
    'Sign-up is disabled on this Gatehouse; ask an administrator for an invitation.',
    'signup_disabled',
  );
}

/** Exactly the contract's user: no session id, no timestamps, never a hash. */
function toAuthUser(user: UserWithMemberships): AuthUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    isPlatformAdmin: user.isPlatformAdmin,
    memberships: user.memberships.map(({ tenantId, tenantName, role }) => ({ tenantId, tenantName, role })),
  };
}
