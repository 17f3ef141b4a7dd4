import { z } from 'zod';
import { base64Key32, DEV_CREDENTIAL_ENCRYPTION_KEY, port } from '../fields';
import { infrastructureSection, infrastructureVariables } from './shared';

export const gatewayConfigSchema = z
  .object({
    ...infrastructureVariables,
    GATEWAY_HOST: z.string().default('0.0.0.0'),
    GATEWAY_PORT: port(8080),
    /** The admin API's key: the gateway decrypts the provider credentials it stored. */
    CREDENTIAL_ENCRYPTION_KEY: base64Key32.default(DEV_CREDENTIAL_ENCRYPTION_KEY),
  })
  .superRefine((env, context) => {
    if (env.NODE_ENV === 'production' && env.CREDENTIAL_ENCRYPTION_KEY === DEV_CREDENTIAL_ENCRYPTION_KEY) {
      context.addIssue({ code: 'custom', path: ['CREDENTIAL_ENCRYPTION_KEY'], message: 'must be set in production' });
    }
  })
  .transform((env) => ({
    ...infrastructureSection(env),
    http: { host: env.GATEWAY_HOST, port: env.GATEWAY_PORT },
    credentialEncryptionKey: env.CREDENTIAL_ENCRYPTION_KEY,
  }));

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
