import { z } from 'zod';

const USD_DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;

/** Decimal USD as a string ("12.50"), never a float: how amounts travel between Gatehouse's own processes. */
export const usdDecimalSchema = z
  .string()
  .regex(USD_DECIMAL, 'must be a decimal amount in USD such as "25" or "12.50"');

/**
 * An amount in USD, taken as a JSON number (25, 12.5: what people type) or a decimal string ("25", "12.50"), and
 * always handed on as the decimal string, exactly as written: what a `numeric(18,6)` column holds. A number is
 * read through its shortest decimal form (`String(12.5)` is "12.5"), so no binary rounding reaches the database.
 * Amounts are kept to the micro-dollar: a seventh decimal is refused, never rounded.
 */
export const usdAmountSchema = z
  .union([z.string(), z.number()], {
    error: 'must be an amount in USD: a number such as 25 or a decimal string such as "12.50"',
  })
  .transform((value, context) => {
    const problem = usdAmountProblem(value);
    if (problem === null) return typeof value === 'number' ? String(value) : value;
    context.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  })
  // Says what comes out (a decimal string), so the API's JSON Schema can describe requests and responses alike.
  .pipe(usdDecimalSchema);

function usdAmountProblem(value: string | number): string | null {
  if (typeof value === 'number' && !Number.isFinite(value)) return 'must be a finite amount in USD';
  const text = String(value);
  if (USD_DECIMAL.test(text)) return null;
  if (text.startsWith('-')) return 'must not be negative';
  // A number below a micro-dollar prints as 1e-7; above 10^21 as 1e+21.
  if (/^\d*\.?\d+e-/i.test(text) || /^\d+\.\d{7,}$/.test(text)) {
    return 'has more than 6 decimal places: amounts are kept to the micro-dollar (0.000001)';
  }
  if (/^\d{13,}(\.\d*)?$/.test(text) || /e\+/i.test(text)) return 'must be below 1,000,000,000,000 USD';
  return 'must be an amount in USD: a number such as 25 or a decimal string such as "12.50"';
}

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
    /** USD: a number or a decimal string in, always the decimal string ("12.50") out. */
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
