import { z } from 'zod';

/** Decimal USD as a string ("12.50"), never a float: what a `numeric(18,6)` column holds. */
export const usdAmountSchema = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,6})?$/, 'must be a decimal amount in USD such as "25" or "12.50"');

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
    monthlyBudgetUsd: usdAmountSchema.nullable(),
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

/** How a limit acts: `enforce` refuses what does not fit, `monitor` only records what it would have refused. */
export const limitModeSchema = z.enum(['enforce', 'monitor']);

/** Per-limit modes; a limit not listed is enforced. */
export const limitModesSchema = z.partialRecord(z.enum(LIMIT_NAMES), limitModeSchema);

/**
 * A key's narrowing as stored in its JSON column, or null when it narrows nothing (no document, or every name
 * absent or null). Only the known names whose value reads as the contract's are kept: the admin API validated
 * the document when it stored it, and one stray value (a hand edit) must not make the whole key unreadable.
 */
export function readNarrowingLimits(stored: unknown): Limits | null {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return null;
  const source = stored as Record<string, unknown>;
  const limits: Record<string, unknown> = {};
  for (const name of LIMIT_NAMES) {
    const value = source[name];
    if (value === undefined || value === null || !Object.prototype.hasOwnProperty.call(source, name)) continue;
    if (limitsSchema.shape[name].safeParse(value).success) limits[name] = value;
  }
  return Object.keys(limits).length === 0 ? null : (limits as Limits);
}
