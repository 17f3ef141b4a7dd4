import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type AdminApiConfig } from '@gatehouse/config';
import { type Request, type Response } from 'express';
import { ZodResponse } from 'nestjs-zod';
import { ADMIN_API_CONFIG } from '../admin-api.constants';
import { Public, SignedIn } from './access/access-rule';
import { AuthService, type ClientInfo } from './auth.service';
import { type AuthenticatedUser } from './authenticated-user';
import { CurrentUser } from './current-user.decorator';
import { LoginDto, MeResponseDto } from './dto/login.dto';
import {
  ChangePasswordDto,
  PasswordResetAcceptedDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
} from './dto/password.dto';
import { SessionResponseDto, SignupDto } from './dto/signup.dto';
import { PasswordService } from './password.service';
import { clearSessionCookie, setSessionCookie } from './session-cookie';
import { SignupEnabledGuard } from './signup-enabled.guard';
import { RetryAfterFilter } from './throttle/retry-after.filter';

/**
 * Sign-up, sign-in, sign-out and the current user. Sign-up and sign-in answer with the session token and also
 * set it as the session cookie: browsers use the cookie, automation sends the token as a bearer header.
 */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly passwords: PasswordService,
    @Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig,
  ) {}

  @Public()
  @UseGuards(SignupEnabledGuard)
  @UseFilters(RetryAfterFilter)
  @Post('signup')
  @ZodResponse({ status: 201, type: SessionResponseDto })
  async signup(@Body() body: SignupDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const session = await this.auth.signup(body, clientOf(request));
    setSessionCookie(response, session.token, session.expiresAt, this.config);
    return { token: session.token, user: session.user };
  }

  @Public()
  @UseFilters(RetryAfterFilter)
  @Post('login')
  @ZodResponse({ status: 200, type: SessionResponseDto })
  async login(@Body() body: LoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const session = await this.auth.login(body, clientOf(request));
    setSessionCookie(response, session.token, session.expiresAt, this.config);
    return { token: session.token, user: session.user };
  }

  @SignedIn()
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentUser() user: AuthenticatedUser, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.auth.logout(user);
    clearSessionCookie(response, this.config);
  }

  /** Ends every other session of the user; the caller's stays. */
  @SignedIn()
  @UseFilters(RetryAfterFilter)
  @Post('password')
  @HttpCode(204)
  async changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: ChangePasswordDto,
    @Req() request: Request,
  ): Promise<void> {
    await this.passwords.change(user, body, clientOf(request));
  }

  /** Sign out everywhere: every session of the user ends, this one included. */
  @SignedIn()
  @Post('sessions/revoke-all')
  @HttpCode(204)
  async revokeAllSessions(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.passwords.signOutEverywhere(user, clientOf(request));
    clearSessionCookie(response, this.config);
  }

  @Public()
  @UseFilters(RetryAfterFilter)
  @Post('password-reset')
  @HttpCode(202)
  @ZodResponse({ status: 202, type: PasswordResetAcceptedDto })
  requestPasswordReset(@Body() body: PasswordResetRequestDto, @Req() request: Request) {
    return this.passwords.requestReset(body.email, clientOf(request));
  }

  @Public()
  @Post('password-reset/confirm')
  @HttpCode(204)
  async confirmPasswordReset(@Body() body: PasswordResetConfirmDto, @Req() request: Request): Promise<void> {
    await this.passwords.confirmReset(body, clientOf(request));
  }

  @SignedIn()
  @Get('me')
  @ZodResponse({ status: 200, type: MeResponseDto })
  me(@CurrentUser() user: AuthenticatedUser) {
    return this.auth.me(user);
  }
}

export function clientOf(request: Request): ClientInfo {
  return { ip: request.ip ?? null, userAgent: request.get('user-agent') ?? null };
}
