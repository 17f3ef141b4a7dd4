import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { provideOnPrimary, SessionRepository } from '@gatehouse/db';
import { AccessGuard } from './access/access.guard';
import { SessionService } from './session.service';

/** Authentication and access rules for every route (the global `AccessGuard`), and the session service. */
@Global()
@Module({
  providers: [provideOnPrimary(SessionRepository), SessionService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [SessionService],
})
export class AuthModule {}
