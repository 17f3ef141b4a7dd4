import { z } from 'zod';

/**
 * The `gatehouse` command line: where the admin API is and the bearer token to call it with. The token is read
 * here and sent only in the `authorization` header; nothing prints it.
 */
export const cliConfigSchema = z
  .object({
    /** The admin API's origin (`/api/v1` is added); the portal's origin works too, since it forwards `/api/v1`. */
    GATEHOUSE_ADMIN_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .default('http://localhost:3001'),
    /** A session token of a platform admin (`POST /api/v1/auth/login` answers one). */
    GATEHOUSE_TOKEN: z.string().optional(),
  })
  .transform((env) => ({
    adminUrl: env.GATEHOUSE_ADMIN_URL,
    token: env.GATEHOUSE_TOKEN ?? null,
  }));

export type CliConfig = z.output<typeof cliConfigSchema>;
