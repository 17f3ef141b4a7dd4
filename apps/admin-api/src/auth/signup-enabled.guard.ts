import { type CanActivate, Inject, Injectable } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { ADMIN_API_CONFIG } from '../admin-api.constants';
import { signupDisabled } from './auth.service';

/** Refuses sign-up when it is switched off, before the body is validated: a 403 says more than a 400 would. */
@Injectable()
export class SignupEnabledGuard implements CanActivate {
  constructor(@Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig) {}

  canActivate(): boolean {
    if (!this.config.auth.signupEnabled) throw signupDisabled();
    return true;
  }
}
