import { z } from 'zod';
import { postgresUrl } from '../fields';

export const seedConfigSchema = z
  .object({
    DATABASE_URL: postgresUrl,
    GATEHOUSE_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('gatehouse-admin'),
    MOCK_PROVIDER_URL: z.url().default('http://127.0.0.1:8090'),
  })
  .transform((env) => ({
    databaseUrl: env.DATABASE_URL,
    adminEmail: 'admin@gatehouse.local',
    adminPassword: env.GATEHOUSE_ADMIN_PASSWORD,
    mockProviderUrl: env.MOCK_PROVIDER_URL,
  }));

export type SeedConfig = z.output<typeof seedConfigSchema>;
