/**
 * Money for limits, in integer micro-USD (1 USD = 1 000 000 µUSD) as `bigint`: budgets and reservations are
 * compared and added in Redis as integers, so no float ever touches an amount. Prices are decimal strings as
 * Postgres stores them (`numeric(18, 9)`, USD per 1M tokens); every step here is exact BigInt arithmetic.
 */

/** Micro-USD in one USD. */
const MICROS_PER_USD = 1_000_000n;

/**
 * The largest amount Redis scripts compare exactly: Lua numbers are doubles, exact up to 2^53 − 1 (about
 * 9 billion USD in micro-USD). Budgets above it are effectively unlimited and are clamped to it.
 */
export const MAX_EXACT_MICROS = BigInt(Number.MAX_SAFE_INTEGER);

/** A model's price, in USD per 1M tokens, as decimal strings (`"2.5"`, `"0.000150000"`). */
export interface TokenPrice {
  inputPer1M: string;
  outputPer1M: string;
  /** Price of prompt tokens served from the provider's cache; null or absent = charged as ordinary input. */
  cachedInputPer1M?: string | null;
}

/** Token counts of one call; `cachedInputTokens` is the part of `inputTokens` served from the prompt cache. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
}

/** A non-negative decimal as `units / 10^scale`. */
interface ExactDecimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Prices parsed once: every call prices its reservation and its usage with the same few strings of the catalog,
 * so parsing them again (a regex and a BigInt from text) would be most of the arithmetic. Bounded: past it the
 * memo starts again.
 */
const parsedDecimals = new Map<string, ExactDecimal>();
const PARSED_DECIMALS_KEPT = 1_000;

function parseDecimal(text: string, what: string): ExactDecimal {
  const known = parsedDecimals.get(text);
  if (known !== undefined) return known;
  const match = DECIMAL.exec(text.trim());
  if (match === null) throw new RangeError(`${what} must be a non-negative decimal such as "2.5", not "${text}"`);
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  const decimal: ExactDecimal = Object.freeze({ units: BigInt(whole + fraction), scale: fraction.length });
  if (parsedDecimals.size >= PARSED_DECIMALS_KEPT) parsedDecimals.clear();
  parsedDecimals.set(text, decimal);
  return decimal;
}

/** 10^n for the scales prices have (`numeric(18, 9)`: at most 9 decimals), then computed. */
const POWERS_OF_TEN = Array.from({ length: 19 }, (_, n) => 10n ** BigInt(n));

function tenToThe(n: number): bigint {
  return POWERS_OF_TEN[n] ?? 10n ** BigInt(n);
}

function tokenCount(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer`);
  return BigInt(value);
}

function divideRoundingUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator;
}

/**
 * USD as a decimal string (`"12.50"`) → micro-USD. Exact; more than 6 decimals would be a fraction of a micro-USD,
 * which no budget needs, so it is refused rather than rounded.
 */
export function usdToMicros(usd: string): bigint {
  const { units, scale } = parseDecimal(usd, 'An amount in USD');
  if (scale > 6) throw new RangeError(`An amount in USD has at most 6 decimals, not "${usd}"`);
  return units * tenToThe(6 - scale);
}

/** Micro-USD → USD as the API shows decimals: plain notation, no trailing zeros (`12500000n` → `"12.5"`). */
export function microsToUsd(micros: bigint): string {
  const sign = micros < 0n ? '-' : '';
  const magnitude = micros < 0n ? -micros : micros;
  const whole = magnitude / MICROS_PER_USD;
  const fraction = (magnitude % MICROS_PER_USD).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/**
 * The cost of a call in micro-USD, rounded up to a whole micro-USD: a counter never holds less than the exact
 * price, and overcounts by less than 1 µUSD per call.
 *
 * A price per 1M tokens in USD is numerically the price of one token in micro-USD, so the exact cost is
 * Σ tokens × price (in µUSD), computed at the finest scale of the prices involved and rounded up once.
 */
export function costMicros(price: TokenPrice, usage: TokenUsage): bigint {
  const input = tokenCount(usage.inputTokens, 'inputTokens');
  const output = tokenCount(usage.outputTokens, 'outputTokens');
  const cached = tokenCount(usage.cachedInputTokens ?? 0, 'cachedInputTokens');
  if (cached > input) throw new RangeError('cachedInputTokens cannot exceed inputTokens');

  const inputPrice = parseDecimal(price.inputPer1M, 'inputPer1M');
  const outputPrice = parseDecimal(price.outputPer1M, 'outputPer1M');
  const cachedPrice =
    price.cachedInputPer1M === null || price.cachedInputPer1M === undefined
      ? inputPrice
      : parseDecimal(price.cachedInputPer1M, 'cachedInputPer1M');

  const scale = Math.max(inputPrice.scale, outputPrice.scale, cachedPrice.scale);
  const atScale = (decimal: ExactDecimal) => decimal.units * tenToThe(scale - decimal.scale);
  const exact = (input - cached) * atScale(inputPrice) + cached * atScale(cachedPrice) + output * atScale(outputPrice);
  return divideRoundingUp(exact, tenToThe(scale));
}

/**
 * The most a call can cost before it runs: every input token at the dearer of the input and cached-input
 * prices (the cache may or may not hit), plus `maxOutputTokens` at the output price.
 */
export function worstCaseCostMicros(price: TokenPrice, inputTokens: number, maxOutputTokens: number): bigint {
  const cachedIsDearer =
    price.cachedInputPer1M !== null &&
    price.cachedInputPer1M !== undefined &&
    compareDecimals(price.cachedInputPer1M, price.inputPer1M) > 0;
  return costMicros(price, {
    inputTokens,
    outputTokens: maxOutputTokens,
    cachedInputTokens: cachedIsDearer ? inputTokens : 0,
  });
}

function compareDecimals(left: string, right: string): number {
  const a = parseDecimal(left, 'price');
  const b = parseDecimal(right, 'price');
  const scale = Math.max(a.scale, b.scale);
  const difference = a.units * tenToThe(scale - a.scale) - b.units * tenToThe(scale - b.scale);
  return difference === 0n ? 0 : difference > 0n ? 1 : -1;
}
