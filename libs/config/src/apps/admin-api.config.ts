import { z } from 'zod';
import { booleanFlag, port } from '../fields';
import { infrastructureSection, infrastructureVariables } from './shared';

// Development-only defaults so that `npm start` needs no .env. Production refuses to boot with them.
const DEV_SESSION_SECRET = 'gatehouse-dev-session-secret-change-me-0000';
const DEV_CREDENTIAL_KEY = Buffer.alloc(32, 7).toString('base64');

const base64Key32 = z
  .string()
  .refine(
    (value) => Buffer.from(value, 'base64').length === 32,
    'must be 32 bytes encoded in base64 (openssl rand -base64 32)',
  );

export const adminApiConfigSchema = z
  .object({
    ...infrastructureVariables,
    ADMIN_HOST: z.string().default('0.0.0.0'),
    ADMIN_PORT: port(3001),
    PORTAL_URL: z.url().default('http://localhost:3000'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_SESSION_SECRET),
    CREDENTIAL_ENCRYPTION_KEY: base64Key32.default(DEV_CREDENTIAL_KEY),
    SIGNUP_ENABLED: booleanFlag(true),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(24 * 7),
  })
  .superRefine((env, context) => {
    if (env.NODE_ENV !== 'production') return;
    if (env.SESSION_SECRET === DEV_SESSION_SECRET) {
      context.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'must be set in production' });
    }
    if (env.CREDENTIAL_ENCRYPTION_KEY === DEV_CREDENTIAL_KEY) {
      context.addIssue({ code: 'custom', path: ['CREDENTIAL_ENCRYPTION_KEY'], message: 'must be set in production' });
    }
  })
  .transform((env) => ({
    ...infrastructureSection(env),
    http: { host: env.ADMIN_HOST, port: env.ADMIN_PORT },
    portalUrl: env.PORTAL_URL,
    auth: {
      sessionSecret: env.SESSION_SECRET,
      signupEnabled: env.SIGNUP_ENABLED,
      sessionTtlHours: env.SESSION_TTL_HOURS,
      secureCookies: env.NODE_ENV === 'production',
    },
    credentialEncryptionKey: env.CREDENTIAL_ENCRYPTION_KEY,
  }));

export type AdminApiConfig = z.output<typeof adminApiConfigSchema>;
