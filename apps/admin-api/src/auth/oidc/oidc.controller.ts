import { Controller, Get, Inject, Logger, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type AdminApiConfig } from '@gatehouse/config';
import { type Request, type Response } from 'express';
import { ADMIN_API_CONFIG } from '../../admin-api.constants';
import { ApiError } from '../../common/errors/api-error';
import { Public } from '../access/access-rule';
import { setSessionCookie } from '../session-cookie';
import { OidcService, SsoRefusal } from './oidc.service';

/** What the portal learns about SSO before anyone signs in. */
export interface SsoPublicConfig {
  enabled: boolean;
  /** The provider's name for "Sign in with <label>"; present when enabled. */
  label?: string;
}

/**
 * Browser-facing SSO endpoints: they answer with redirects, not JSON (except 404 `sso_not_configured` and
 * 503 `sso_unavailable` before anything is redirected), plus the public `config` the portal reads to decide
 * whether to offer an SSO button.
 */
@ApiExcludeController()
@Controller('auth/oidc')
export class OidcController {
  private readonly logger = new Logger('OidcController');

  constructor(
    private readonly oidc: OidcService,
    @Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig,
  ) {}

  /**
   * Whether SSO is on, and the name to show on the sign-in button. Public because the sign-in page renders
   * before anyone has a session; it reveals nothing the login redirect would not (no issuer, client or secret).
   */
  @Public()
  @Get('config')
  publicConfig(): SsoPublicConfig {
    const oidc = this.config.auth.oidc;
    return oidc ? { enabled: true, label: oidc.displayName } : { enabled: false };
  }

  /** Starts SSO: 302 to the provider, with PKCE, state and a sealed state cookie. */
  @Public()
  @Get('login')
  async login(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.oidc.begin(request, response);
  }

  /** The provider's redirect back: on success the session cookie is set and the browser goes to the portal. */
  @Public()
  @Get('callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    let outcome;
    try {
      outcome = await this.oidc.complete(request, response);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      // A failed code exchange or userinfo call: the person gets the portal's message, the log the cause.
      this.logger.error(`SSO callback failed: ${error instanceof Error ? error.message : String(error)}`);
      outcome = new SsoRefusal('sso_failed');
    }
    if (outcome instanceof SsoRefusal) {
      const target = new URL('/login', this.config.portalUrl);
      target.searchParams.set('sso_error', outcome.code);
      response.redirect(302, target.toString());
      return;
    }
    setSessionCookie(response, outcome.token, outcome.expiresAt, this.config);
    // The portal's /t sends a signed-in person to their first workspace (or explains they have none yet);
    // the portal's root is the public landing page, which would leave them looking signed out.
    response.redirect(302, new URL('/t', this.config.portalUrl).toString());
  }
}
