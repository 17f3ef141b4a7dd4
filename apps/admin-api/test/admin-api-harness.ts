import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { adminApiConfigSchema, type Environment, parseConfig } from '@gatehouse/config';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { createPrismaClient, type DbClient } from '@gatehouse/db';
import { RedisKeys } from '@gatehouse/redis';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@gatehouse/testing';
import { randomBytes } from 'node:crypto';
import { seedDatabase } from '../../../prisma/seed/seed-database';
import { AdminApiModule, type AdminApiModuleOptions } from '../src/admin-api.module';
import { SessionService } from '../src/auth/session.service';
import { configureAdminApi } from '../src/configure-admin-api';

/** Creation throttles and the key cap far above what any suite does, unless a suite sets them. */
export const GENEROUS_CREATION_LIMITS: Environment = {
  THROTTLE_SIGNUPS_PER_IP: '100000',
  THROTTLE_KEY_CREATIONS_PER_TENANT: '100000',
  THROTTLE_INVITATIONS_PER_TENANT: '100000',
  THROTTLE_ACCESS_REQUESTS_PER_TENANT: '100000',
  THROTTLE_PASSWORD_RESETS_PER_IP: '100000',
  THROTTLE_PASSWORD_RESETS_PER_EMAIL: '100000',
  MAX_LIVE_KEYS_PER_TENANT: '100000',
};

export const SEED_ADMIN_EMAIL = 'admin@gatehouse.local';
export const SEED_ADMIN_PASSWORD = 'gatehouse-admin';

export interface ApiResponse<Body = unknown> {
  status: number;
  body: Body;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** A session token, sent as `Authorization: Bearer`. */
  token?: string;
  headers?: Record<string, string>;
}

export interface TestUser {
  id: string;
  email: string;
  tenantId: string;
  token: string;
}

/**
 * The admin API as deployed (same module, same `configureAdminApi`), listening on a free port, against a
 * database and a Redis prefix of the suite's own, seeded like `npm start`. For integration tests.
 */
export class AdminApiHarness {
  private constructor(
    readonly url: string,
    readonly app: NestExpressApplication,
    readonly db: DbClient,
    readonly database: TestDatabase,
    readonly redis: TestRedis,
  ) {}

  static async start(
    suiteName: string,
    env: Environment = {},
    options: AdminApiModuleOptions = {},
  ): Promise<AdminApiHarness> {
    const database = await createTestDatabase(suiteName);
    const redis = await createTestRedis(suiteName);
    const db = createPrismaClient({ url: database.url, maxConnections: 4 });
    await seedDatabase(db, {
      adminEmail: SEED_ADMIN_EMAIL,
      adminPassword: SEED_ADMIN_PASSWORD,
      mockProviderUrl: 'http://127.0.0.1:8090',
    });
    const config = parseConfig('admin-api', adminApiConfigSchema, {
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      // Suites create many users, keys and invitations from one address; the throttle suite sets its own limits.
      ...GENEROUS_CREATION_LIMITS,
      ...env,
    });
    const app = await NestFactory.create<NestExpressApplication>(AdminApiModule.forRoot(config, options), {
      logger: false,
      bodyParser: false,
    });
    configureAdminApi(app, config);
    await app.listen(0, '127.0.0.1');
    return new AdminApiHarness(await app.getUrl(), app, db, database, redis);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.db.$disconnect();
    await this.redis.cleanup();
    await this.database.drop();
  }

  /** `path` is relative to `/api/v1`, e.g. `/auth/me`. */
  async request<Body = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<Body>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}/api/v1${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: parseBody(text, response.headers) as Body, headers: response.headers };
  }

  /**
   * Records every invalidation message published under this suite's Redis prefix into `messages`, from
   * now on, as a gateway would receive them. Resolves with the function that stops recording.
   */
  async recordInvalidations(messages: InvalidationMessage[]): Promise<() => Promise<void>> {
    const subscriber = this.redis.redis.duplicate();
    await subscriber.subscribe(new RedisKeys(this.redis.prefix).invalidationChannel());
    subscriber.on('message', (_channel, payload: string) => messages.push(JSON.parse(payload) as InvalidationMessage));
    return async () => {
      await subscriber.quit();
    };
  }

  /** A session token for an existing user, without going through a sign-in endpoint. */
  async sessionFor(userId: string): Promise<string> {
    const { token } = await this.app.get(SessionService).start(userId, { ip: '127.0.0.1', userAgent: 'test' });
    return token;
  }

  /** The seeded platform admin, signed in. */
  async admin(): Promise<{ id: string; token: string }> {
    const admin = await this.db.user.findUniqueOrThrow({ where: { email: SEED_ADMIN_EMAIL }, select: { id: true } });
    return { id: admin.id, token: await this.sessionFor(admin.id) };
  }

  /**
   * A new tenant with one user of the given role, signed in, made directly in the database: tests of
   * other contexts do not depend on the sign-up endpoint.
   */
  async tenantUser(role: 'OWNER' | 'MEMBER' | 'VIEWER' = 'OWNER', tenantId?: string): Promise<TestUser> {
    const suffix = randomBytes(4).toString('hex');
    const tenant =
      tenantId ?? (await this.db.tenant.create({ data: { name: `Tenant ${suffix}` }, select: { id: true } })).id;
    const user = await this.db.user.create({
      data: {
        email: `user-${suffix}@example.com`,
        name: `User ${suffix}`,
        // Not a usable password: these users sign in through sessionFor().
        passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$unusable$unusable',
        memberships: { create: { tenantId: tenant, role } },
      },
      select: { id: true, email: true },
    });
    return { id: user.id, email: user.email, tenantId: tenant, token: await this.sessionFor(user.id) };
  }
}

/** JSON as before; a body that is not JSON and is not labelled as JSON (a CSV export) is kept as text. */
function parseBody(text: string, headers: Headers): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    if (headers.get('content-type')?.includes('json') ?? true) throw error;
    return text;
  }
}
