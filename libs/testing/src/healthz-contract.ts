import { type INestApplication } from '@nestjs/common';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, type Environment } from '@gatehouse/config';

/** Nothing listens on port 1: connecting is refused at once, like a dependency that is down. */
const UNREACHABLE_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:1/gatehouse';
const UNREACHABLE_REDIS_URL = 'redis://127.0.0.1:1';

/** `SELECT 1` needs no schema: the maintenance database answers it without touching any app data. */
const REACHABLE_POSTGRES_URL = (() => {
  const url = new URL(DEFAULT_DATABASE_URL);
  url.pathname = '/postgres';
  return url.toString();
})();

type HealthBody = {
  status: 'ok' | 'error';
  info?: Record<string, { status: string }>;
  error?: Record<string, { status: string; message?: string }>;
};

/**
 * The `/healthz` contract every Nest app keeps: 200 when Postgres and Redis answer, 503 naming the one
 * that does not. `boot` starts the app from an environment, listening on a free port.
 */
export function describeHealthzContract(appName: string, boot: (env: Environment) => Promise<INestApplication>): void {
  describe(`${appName} GET /healthz`, () => {
    const started: INestApplication[] = [];

    async function healthOf(env: Environment): Promise<{ status: number; body: HealthBody }> {
      const app = await boot({ LOG_LEVEL: 'silent', ...env });
      started.push(app);
      const response = await fetch(`${await app.getUrl()}/healthz`);
      return { status: response.status, body: (await response.json()) as HealthBody };
    }

    afterEach(async () => {
      await Promise.all(started.splice(0).map((app) => app.close()));
    });

    it('answers 200 when Postgres and Redis answer', async () => {
      const { status, body } = await healthOf({ DATABASE_URL: REACHABLE_POSTGRES_URL, REDIS_URL: DEFAULT_REDIS_URL });
      expect(status).toBe(200);
      expect(body.status).toBe('ok');
      expect(body.info).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
    });

    it('answers 503 naming Redis when Redis does not answer', async () => {
      const { status, body } = await healthOf({
        DATABASE_URL: REACHABLE_POSTGRES_URL,
        REDIS_URL: UNREACHABLE_REDIS_URL,
      });
      expect(status).toBe(503);
      expect(body.status).toBe('error');
      expect(Object.keys(body.error ?? {})).toEqual(['redis']);
      expect(body.error?.redis?.status).toBe('down');
      expect(body.error?.redis?.message).toMatch(/^redis is unreachable/);
      expect(body.info?.postgres?.status).toBe('up');
    });

    it('answers 503 naming Postgres when Postgres does not answer', async () => {
      const { status, body } = await healthOf({ DATABASE_URL: UNREACHABLE_POSTGRES_URL, REDIS_URL: DEFAULT_REDIS_URL });
      expect(status).toBe(503);
      expect(Object.keys(body.error ?? {})).toEqual(['postgres']);
      expect(body.error?.postgres?.message).toMatch(/^postgres is unreachable/);
      expect(body.info?.redis?.status).toBe('up');
    });
  });
}
