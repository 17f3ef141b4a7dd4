import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import {
  type ChangePasswordRequest,
  type PasswordResetAccepted,
  type PasswordResetConfirm,
} from '@gatehouse/contracts';
import { PasswordResetRepository, SessionRepository, TransactionRunner, UserRepository } from '@gatehouse/db';
import { passwordProblem } from '@gatehouse/domain';
import { createHash, randomBytes } from 'node:crypto';
import { ADMIN_API_CONFIG } from '../admin-api.constants';
import { AuditService } from '../audit/audit.service';
import { ApiError } from '../common/errors/api-error';
import { Mailer } from '../mail/mailer';
import { type ClientInfo } from './auth.service';
import { type AuthenticatedUser } from './authenticated-user';
import { PasswordHasher } from './password-hasher';
import { CreationThrottle } from './throttle/creation-throttle';
import { LoginThrottle } from './throttle/login-throttle';

/** The one answer to a reset request, for an email with an account and one without alike. */
export const PASSWORD_RESET_ACCEPTED: PasswordResetAccepted = {
  message: 'If an account exists for this email, a link to reset its password is on its way.',
};

/** Password change, password reset by mail, and signing out everywhere. */
@Injectable()
export class PasswordService {
  private readonly logger = new Logger(PasswordService.name);

  constructor(
    private readonly users: UserRepository,
    private readonly resets: PasswordResetRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly passwords: PasswordHasher,
    private readonly loginThrottle: LoginThrottle,
    private readonly creations: CreationThrottle,
    private readonly mailer: Mailer,
    @Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig,
  ) {}

  /**
   * Checks the current password (counted by the login throttle, so this cannot be used to guess it), sets the
   * new one and ends the user's other sessions; the one making the change stays signed in.
   */
  async change(user: AuthenticatedUser, request: ChangePasswordRequest, client: ClientInfo): Promise<void> {
    assertAcceptable(request.newPassword, user.email);
    await this.loginThrottle.reserve(user.email, client.ip);
    const valid = await this.passwords.verify(await this.users.findPasswordHash(user.id), request.currentPassword);
    if (!valid) {
      throw ApiError.badRequest('invalid_current_password', 'The current password is not correct.', [
        { field: 'currentPassword', reason: 'is not your current password' },
      ]);
    }
    await this.loginThrottle.succeeded(user.email, client.ip);
    const passwordHash = await this.passwords.hash(request.newPassword);
    await this.transactions.run(async (tx) => {
      await new UserRepository(tx).setPasswordHash(user.id, passwordHash);
      const endedSessions = await new SessionRepository(tx).revokeAllForUser(user.id, new Date(), user.sessionId);
      await this.audit.record(tx, {
        actor: { userId: user.id, ip: client.ip },
        action: 'user.password_change',
        targetType: 'user',
        targetId: user.id,
        tenantId: null,
        after: { endedSessions },
      });
    });
  }

  /** Ends every session of the user, the caller's included. */
  async signOutEverywhere(user: AuthenticatedUser, client: ClientInfo): Promise<void> {
    await this.transactions.run(async (tx) => {
      const endedSessions = await new SessionRepository(tx).revokeAllForUser(user.id);
      await this.audit.record(tx, {
        actor: { userId: user.id, ip: client.ip },
        action: 'user.sessions_revoke_all',
        targetType: 'user',
        targetId: user.id,
        tenantId: null,
        after: { endedSessions },
      });
    });
  }

  /**
   * Throttled per address and per email, then answered at once: the lookup and the mail happen after the
   * answer, so neither the body nor the time it takes tells whether the email has an account.
   */
  async requestReset(email: string, client: ClientInfo): Promise<PasswordResetAccepted> {
    await this.creations.passwordReset(email, client.ip);
    void this.sendResetLink(email, client).catch((error: unknown) => {
      this.logger.error(`Password reset link not sent: ${String(error)}`);
    });
    return PASSWORD_RESET_ACCEPTED;
  }

  /** Sets the new password, uses the token up and ends every session of the user. */
  async confirmReset(request: PasswordResetConfirm, client: ClientInfo, now: Date = new Date()): Promise<void> {
    const token = await this.resets.findByTokenHash(hashResetToken(request.token));
    if (!token) throw resetTokenError('reset_token_invalid', 'This password reset link is not valid.');
    if (token.usedAt) throw resetTokenError('reset_token_used', 'This password reset link was used already.');
    if (token.expiresAt <= now) throw resetTokenError('reset_token_expired', 'This password reset link has expired.');
    const user = await this.users.findWithMemberships(token.userId);
    if (!user) throw resetTokenError('reset_token_invalid', 'This password reset link is not valid.');
    // Checked before the token is used up, so a refused password leaves the link working.
    assertAcceptable(request.newPassword, user.email);
    const passwordHash = await this.passwords.hash(request.newPassword);
    await this.transactions.run(async (tx) => {
      if (!(await new PasswordResetRepository(tx).consume(token.id, now))) {
        throw resetTokenError('reset_token_used', 'This password reset link was used already.');
      }
      await new UserRepository(tx).setPasswordHash(user.id, passwordHash);
      const endedSessions = await new SessionRepository(tx).revokeAllForUser(user.id, now);
      await this.audit.record(tx, {
        actor: { userId: null, ip: client.ip },
        action: 'user.password_reset',
        targetType: 'user',
        targetId: user.id,
        tenantId: null,
        after: { resetId: token.id, endedSessions },
      });
    });
  }

  private async sendResetLink(email: string, client: ClientInfo, now: Date = new Date()): Promise<void> {
    const user = await this.users.findByEmailWithMemberships(email);
    if (!user) return;
    const token = randomBytes(32).toString('base64url');
    const ttlMinutes = this.config.auth.passwordResetTtlMinutes;
    await this.transactions.run(async (tx) => {
      const reset = await new PasswordResetRepository(tx).replaceForUser(
        user.id,
        hashResetToken(token),
        new Date(now.getTime() + ttlMinutes * 60_000),
      );
      await this.audit.record(tx, {
        actor: { userId: null, ip: client.ip },
        action: 'user.password_reset_request',
        targetType: 'user',
        targetId: user.id,
        tenantId: null,
        after: { resetId: reset.id, expiresAt: reset.expiresAt },
      });
    });
    // The token travels in the fragment, which browsers do not send to servers or in Referer headers.
    const link = `${this.config.portalUrl.replace(/\/+$/, '')}/reset-password#token=${token}`;
    await this.mailer.send({
      to: user.email,
      subject: 'Reset your Gatehouse password',
      text:
        `Someone, hopefully you, asked to reset the password of your Gatehouse account (${user.email}).\n` +
        `Open this link within ${ttlMinutes} minutes to choose a new one:\n\n${link}\n\n` +
        'If you did not ask for this, ignore this message: your password stays as it is.',
    });
  }
}

/** 32 random bytes: high entropy, so sha256 is enough to store it (no KDF needed), like session tokens. */
export function hashResetToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function assertAcceptable(password: string, email: string): void {
  const problem = passwordProblem(password, { email });
  if (problem) {
    throw ApiError.badRequest('validation_failed', 'The request is not valid: see details for each field.', [
      { field: 'newPassword', reason: problem },
    ]);
  }
}

function resetTokenError(code: string, message: string): ApiError {
  return ApiError.badRequest(code, `${message} Ask for a new one.`, [{ field: 'token', reason: message }]);
}
