import { Inject, Injectable } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { SessionRepository, type SessionUser } from '@gatehouse/db';
import { ADMIN_API_CONFIG } from '../admin-api.constants';
import { hashSessionToken, newSessionToken } from './session-tokens';

/** Admin API sessions: opaque random tokens, stored as sha256, carried in a cookie or a bearer header. */
@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    @Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig,
  ) {}

  /** Starts a session; the token is returned once and only its hash is kept. */
  async start(userId: string, client: { ip?: string | null; userAgent?: string | null }) {
    const token = newSessionToken();
    const expiresAt = new Date(Date.now() + this.config.auth.sessionTtlHours * 3_600_000);
    const { id } = await this.sessions.create({
      userId,
      tokenHash: hashSessionToken(token),
      expiresAt,
      ip: client.ip ?? null,
      userAgent: client.userAgent?.slice(0, 500) ?? null,
    });
    return { sessionId: id, token, expiresAt };
  }

  authenticate(token: string): Promise<SessionUser | null> {
    return this.sessions.findActiveUser(hashSessionToken(token));
  }

  end(sessionId: string): Promise<void> {
    return this.sessions.revoke(sessionId);
  }
}
