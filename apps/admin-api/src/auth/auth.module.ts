import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PasswordResetRepository, provideOnPrimary, SessionRepository, UserRepository } from '@gatehouse/db';
import { AccessGuard } from './access/access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { OidcController } from './oidc/oidc.controller';
import { OidcService } from './oidc/oidc.service';
import { PasswordHasher } from './password-hasher';
import { PasswordService } from './password.service';
import { SessionService } from './session.service';
import { SignupEnabledGuard } from './signup-enabled.guard';
import { CreationThrottle } from './throttle/creation-throttle';
import { FixedWindowThrottle } from './throttle/fixed-window-throttle';
import { LoginThrottle } from './throttle/login-throttle';

/**
 * Authentication and access rules for every route (the global `AccessGuard`), the session service, and the
 * auth endpoints: password sign-up and sign-in, sign-out, the current user, and OpenID Connect SSO.
 */
@Global()
@Module({
  controllers: [AuthController, OidcController],
  providers: [
    provideOnPrimary(SessionRepository),
    provideOnPrimary(UserRepository),
    provideOnPrimary(PasswordResetRepository),
    SessionService,
    AuthService,
    PasswordHasher,
    PasswordService,
    FixedWindowThrottle,
    LoginThrottle,
    CreationThrottle,
    SignupEnabledGuard,
    OidcService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [SessionService, CreationThrottle],
})
export class AuthModule {}
