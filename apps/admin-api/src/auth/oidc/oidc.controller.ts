import { Controller, Get, Inject, Logger, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type AdminApiConfig } from '@gatehouse/config';
import { type Request, type Response } from 'express';
import { ADMIN_API_CONFIG } from '../../admin-api.constants';
import { ApiError } from '../../common/errors/api-error';
import { Public } from '../access/access-rule';
import { setSessionCookie } from '../session-cookie';
import { OidcService, SsoRefusal } from './oidc.service';

/**
 * Browser-facing SSO endpoints: they answer with redirects, not JSON (except 404 `sso_not_configured` and
 * 503 `sso_unavailable` before anything is redirected).
 */
@ApiExcludeController()
@Controller('auth/oidc')
export class OidcController {
  private readonly logger = new Logger('OidcController');

  constructor(
    private readonly oidc: OidcService,
    @Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig,
  ) {}

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
    response.redirect(302, this.config.portalUrl);
  }
}
