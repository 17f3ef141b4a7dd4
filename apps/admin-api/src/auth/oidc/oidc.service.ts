import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AdminApiConfig, type OidcConfig } from '@gatehouse/config';
import { EmailTakenError, isUuid, TransactionRunner, UserRepository, type UserWithMemberships } from '@gatehouse/db';
import { type Request, type Response } from 'express';
import type { AuthenticateOptions } from 'openid-client/passport';
import passport from 'passport';
import { ADMIN_API_CONFIG } from '../../admin-api.constants';
import { AuditService } from '../../audit/audit.service';
import { ApiError } from '../../common/errors/api-error';
import { AuthService, type ClientInfo, type StartedSession } from '../auth.service';
import { NO_PASSWORD } from '../password-hasher';
import { OIDC_STATE_COOKIE, OIDC_STATE_COOKIE_PATH, OIDC_STATE_TTL_MS, OidcStateSealer } from './oidc-state-cookie';
import { mappedTenant, type SsoIdentity, ssoIdentity } from './sso-identity';

const STRATEGY = 'oidc';
/** Where the strategy keeps the authorization request's state in `req.session` (backed by the sealed cookie). */
const SESSION_KEY = 'oidc';

type Claims = Record<string, unknown>;

/** How a trip through the passport strategy ended. */
type StrategyOutcome = { kind: 'responded' } | { kind: 'verified'; claims: Claims } | { kind: 'failed' };

/** A sign-in the provider vouched for but Gatehouse refuses; the portal shows a message for each code. */
export class SsoRefusal extends Error {
  constructor(readonly code: string) {
    super(code);
    this.name = 'SsoRefusal';
  }
}

/**
 * Single sign-on with OpenID Connect: the authorization code flow with PKCE and `state`, through passport and
 * openid-client's strategy. The provider's metadata is discovered on first use (not at boot, so the admin API
 * starts while the provider is down) and again after a failed discovery.
 *
 * openid-client is ESM-only; it is loaded with `import()`, which the CommonJS build turns into `require()`
 * (Node >= 20.19 loads ES modules that way). It is only loaded when SSO is configured.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger('OidcService');
  /** An authenticator of our own: no global passport state shared with other apps in the same process. */
  private readonly passport = new passport.Passport();
  private readonly sealer: OidcStateSealer;
  private ready: Promise<void> | null = null;

  constructor(
    @Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig,
    private readonly users: UserRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
  ) {
    this.sealer = new OidcStateSealer(config.auth.sessionSecret);
  }

  /** Redirects the browser to the provider's authorization endpoint. */
  async begin(request: Request, response: Response): Promise<void> {
    const oidc = this.oidcConfig();
    await this.strategyReady(oidc);
    const outcome = await this.runStrategy(request, response);
    if (outcome.kind !== 'responded') throw new Error('the OpenID Connect strategy did not redirect to the provider');
  }

  /**
   * Completes the sign-in on the provider's redirect back: exchanges the code (checking PKCE and state), finds
   * or provisions the user, and starts a session. Returns the session, or the refusal code to show the person.
   */
  async complete(request: Request, response: Response): Promise<StartedSession | SsoRefusal> {
    const oidc = this.oidcConfig();
    await this.strategyReady(oidc);
    const outcome = await this.runStrategy(request, response);
    response.clearCookie(OIDC_STATE_COOKIE, this.stateCookieOptions());
    if (outcome.kind !== 'verified') return new SsoRefusal('sso_failed');
    const result = ssoIdentity(outcome.claims, oidc.tenantClaim);
    if ('problem' in result) return new SsoRefusal(result.problem);
    const client: ClientInfo = { ip: request.ip ?? null, userAgent: request.get('user-agent') ?? null };
    const user = await this.findOrProvision(result.identity, oidc, client);
    if (user instanceof SsoRefusal) return user;
    return this.auth.startSession(user, client);
  }

  private oidcConfig(): OidcConfig {
    const oidc = this.config.auth.oidc;
    if (!oidc) throw ApiError.notFound('Single sign-on', 'sso_not_configured');
    return oidc;
  }

  /**
   * Existing users (matched by email) sign in with their memberships as they are. A first sign-in creates the
   * user, with no usable password, as a MEMBER of the mapped tenant; a mapping that names a tenant that does
   * not exist creates it (by name; a mapped id must exist). Without a mapping for the user, sign-in is refused:
   * an account at the provider alone is not a reason to join any tenant.
   */
  private async findOrProvision(
    identity: SsoIdentity,
    oidc: OidcConfig,
    client: ClientInfo,
  ): Promise<UserWithMemberships | SsoRefusal> {
    const existing = await this.users.findByEmailWithMemberships(identity.email);
    if (existing) return existing;
    const tenantRef = mappedTenant(identity, oidc.tenantMapping);
    if (tenantRef === null) return new SsoRefusal('sso_tenant_not_mapped');
    try {
      return await this.transactions.run(async (tx) => {
        const users = new UserRepository(tx);
        await users.lockTenantName(tenantRef);
        let tenant = await users.findTenantByIdOrName(tenantRef);
        if (!tenant) {
          if (isUuid(tenantRef)) throw new SsoRefusal('sso_tenant_missing');
          tenant = await users.createTenant(tenantRef);
          await this.audit.record(tx, {
            actor: { userId: null, ip: client.ip },
            action: 'tenant.create',
            targetType: 'tenant',
            targetId: tenant.id,
            tenantId: tenant.id,
            after: { ...tenant, reason: 'sso_provisioning' },
          });
        }
        const user = await users.createWithMembership(
          { email: identity.email, name: identity.name, passwordHash: NO_PASSWORD },
          { tenantId: tenant.id, role: 'MEMBER' },
        );
        await this.audit.record(tx, {
          actor: { userId: user.id, ip: client.ip },
          action: 'user.sso_provision',
          targetType: 'user',
          targetId: user.id,
          tenantId: tenant.id,
          after: { email: user.email, name: user.name, tenantId: tenant.id, role: 'MEMBER' },
        });
        return user;
      });
    } catch (error) {
      if (error instanceof SsoRefusal) return error;
      // A concurrent first sign-in of the same person won: use the account it created.
      if (error instanceof EmailTakenError) {
        const created = await this.users.findByEmailWithMemberships(identity.email);
        if (created) return created;
      }
      throw error;
    }
  }

  private strategyReady(oidc: OidcConfig): Promise<void> {
    this.ready ??= this.createStrategy(oidc).catch((error: unknown) => {
      this.ready = null;
      this.logger.error(`OpenID Connect discovery at ${oidc.issuerUrl} failed: ${String(error)}`);
      throw new ApiError(503, 'sso_unavailable', 'The single sign-on provider is not reachable; try again shortly.');
    });
    return this.ready;
  }

  private async createStrategy(oidc: OidcConfig): Promise<void> {
    const client = await import('openid-client');
    const { Strategy } = await import('openid-client/passport');
    const insecure = new URL(oidc.issuerUrl).protocol === 'http:';
    const configuration = await client.discovery(
      new URL(oidc.issuerUrl),
      oidc.clientId,
      undefined,
      client.ClientSecretBasic(oidc.clientSecret),
      // Plain-HTTP issuers exist only in development and tests; the configuration refuses them in production.
      insecure ? { execute: [client.allowInsecureRequests] } : undefined,
    );

    class StrategyWithState extends Strategy {
      /** PKCE protects the code; `state` also ties the callback to this browser's request, as many providers expect. */
      override authorizationRequestParams<TOptions extends AuthenticateOptions>(request: Request, options: TOptions) {
        const params = new URLSearchParams(super.authorizationRequestParams(request, options));
        params.set('state', client.randomState());
        return params;
      }
    }

    const strategy = new StrategyWithState(
      {
        config: configuration,
        name: STRATEGY,
        sessionKey: SESSION_KEY,
        callbackURL: oidc.redirectUrl,
        scope: oidc.scopes,
      },
      (tokens, verified) => {
        const idClaims: Claims = { ...(tokens.claims() ?? {}) };
        const subject = idClaims['sub'];
        // Many providers put profile and email claims only in userinfo when an access token can fetch them.
        const userInfo =
          typeof idClaims['email'] !== 'string' && typeof subject === 'string'
            ? client.fetchUserInfo(configuration, tokens.access_token, subject)
            : Promise.resolve({});
        userInfo.then(
          (extra) => verified(null, { ...extra, ...idClaims }),
          (error: unknown) => verified(error),
        );
      },
    );
    this.passport.use(STRATEGY, strategy);
  }

  /**
   * Runs the strategy on this request with a `req.session` whose one key lives in the sealed state cookie: the
   * strategy writes its state there before redirecting, and reads (then deletes) it on the callback.
   */
  private runStrategy(request: Request, response: Response): Promise<StrategyOutcome> {
    const session: Record<string, unknown> = {};
    const cookies = request.cookies as Record<string, string | undefined> | undefined;
    const stored = this.sealer.open(cookies?.[OIDC_STATE_COOKIE]);
    Object.defineProperty(session, SESSION_KEY, {
      configurable: true,
      enumerable: true,
      get: () => stored,
      set: (value: unknown) => {
        response.cookie(OIDC_STATE_COOKIE, this.sealer.seal(value), {
          ...this.stateCookieOptions(),
          maxAge: OIDC_STATE_TTL_MS,
        });
      },
    });
    (request as Request & { session: unknown }).session = session;

    return new Promise<StrategyOutcome>((resolve, reject) => {
      const responded = () => resolve({ kind: 'responded' });
      response.once('finish', responded);
      const settle = (outcome: StrategyOutcome | Error) => {
        response.off('finish', responded);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const authenticate = this.passport.authenticate(
        STRATEGY,
        { session: false },
        (error: unknown, user: Claims | false | undefined) => {
          if (error) settle(error instanceof Error ? error : new Error(String(error)));
          else settle(user ? { kind: 'verified', claims: user } : { kind: 'failed' });
        },
      ) as (request: Request, response: Response, next: (error?: unknown) => void) => void;
      authenticate(request, response, (error?: unknown) =>
        settle(error ? (error instanceof Error ? error : new Error(String(error))) : { kind: 'failed' }),
      );
    });
  }

  private stateCookieOptions() {
    // Lax: the provider's redirect back is a top-level GET from another site, which Lax cookies accompany.
    return {
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: this.config.auth.secureCookies,
      path: OIDC_STATE_COOKIE_PATH,
    };
  }
}
