import { z } from 'zod';

/**
 * The limits of a plan, of a subscription (plan limits plus the admin's overrides) and of an approval's
 * overrides. Absent or null means unlimited. These names are part of the public admin API contract.
 */
export const limitsSchema = z
  .object({
    rpm: z.number().int().positive().nullable(),
    rpmBurst: z.number().int().nonnegative().nullable(),
    tpm: z.number().int().positive().nullable(),
    tpmBurst: z.number().int().nonnegative().nullable(),
    concurrency: z.number().int().positive().nullable(),
    dailyTokens: z.number().int().positive().nullable(),
    monthlyTokens: z.number().int().positive().nullable(),
    monthlyCalls: z.number().int().positive().nullable(),
    /** Decimal USD as a string ("12.50"), never a float. */
    monthlyBudgetUsd: z
      .string()
      .regex(/^\d{1,12}(\.\d{1,6})?$/, 'must be a decimal amount in USD such as "25" or "12.50"')
      .nullable(),
    allowedModels: z.array(z.string().min(1)).nullable(),
  })
  .partial();

export type Limits = z.infer<typeof limitsSchema>;

export const LIMIT_NAMES = [
  'rpm',
  'rpmBurst',
  'tpm',
  'tpmBurst',
  'concurrency',
  'dailyTokens',
  'monthlyTokens',
  'monthlyCalls',
  'monthlyBudgetUsd',
  'allowedModels',
] as const satisfies readonly (keyof Limits)[];

export type LimitName = (typeof LIMIT_NAMES)[number];
