import { z } from 'zod';
import proxyAddr from 'proxy-addr';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/gatehouse';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A TCP port number given as an environment string. */
export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number between 1 and 65535' })
    .int('must be a port number between 1 and 65535')
    .min(1, 'must be a port number between 1 and 65535')
    .max(65535, 'must be a port number between 1 and 65535')
    .default(fallback);

/** A port to listen on, where 0 asks the system for any free one (tests and benchmarks run several at once). */
export const listenPort = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number between 0 and 65535' })
    .int('must be a port number between 0 and 65535')
    .min(0, 'must be a port number between 0 and 65535')
    .max(65535, 'must be a port number between 0 and 65535')
    .default(fallback);

export const postgresUrl = z
  .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' })
  .default(DEFAULT_DATABASE_URL);

export const redisUrl = z
  .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
  .default(DEFAULT_REDIS_URL);

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** `json` for machines (one object per line), `pretty` for people at a terminal (`npm start` picks it). */
export const logFormat = z.enum(['json', 'pretty']).default('json');

export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');

/** Booleans as people write them in env files. */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * Development-only key for provider credentials, so that `npm start` needs no .env. Admin API and gateway
 * must share the key (one encrypts, the other decrypts); both refuse it in production.
 */
export const DEV_CREDENTIAL_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** Development-only key for the call log's stored bodies (gateway and admin API); both refuse it in production. */
export const DEV_CALL_LOG_ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');

export const base64Key32 = z
  .string()
  .refine(
    (value) => Buffer.from(value, 'base64').length === 32,
    'must be 32 bytes encoded in base64 (openssl rand -base64 32)',
  );

/**
 * Which peers may tell us the client's address through `X-Forwarded-For` (and the original host and scheme):
 * a comma list of addresses, CIDR ranges and the names `loopback`, `linklocal`, `uniquelocal`, as Express and
 * proxy-addr read them; empty or `none` trusts no one, so forwarding headers are ignored.
 */
export const trustedProxies = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context) => {
      const entries = value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '' && entry.toLowerCase() !== 'none');
      try {
        proxyAddr.compile(entries);
      } catch (error) {
        context.addIssue({
          code: 'custom',
          message: `must be addresses, CIDR ranges, loopback, linklocal or uniquelocal, comma-separated (${(error as Error).message})`,
        });
        return z.NEVER;
      }
      return entries;
    });

/** A comma list of web origins (`https://portal.example.com`), each normalised to scheme://host[:port]. */
export const originList = z
  .string()
  .default('')
  .transform((value, context) => {
    const origins: string[] = [];
    for (const entry of value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const parsed = URL.canParse(entry) ? new URL(entry) : null;
      const bare = entry.replace(/\/$/, '').toLowerCase();
      if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== bare) {
        context.addIssue({ code: 'custom', message: `"${entry}" is not an origin such as https://portal.example.com` });
        return z.NEVER;
      }
      origins.push(parsed.origin);
    }
    return origins;
  });
