import { type BucketState, type CalendarPeriods } from '@gatehouse/domain';

/** An argument of the limits scripts: text, or packed doubles. */
export type ScriptArgument = string | Buffer;

/**
 * Numbers as the scripts read them: big-endian doubles, which Lua's `struct` unpacks without parsing text (exact
 * for integers below 2^53, which every amount, level and time here is).
 */
export function packDoubles(...values: number[]): Buffer {
  const buffer = Buffer.allocUnsafe(values.length * 8);
  values.forEach((value, index) => buffer.writeDoubleBE(value, index * 8));
  return buffer;
}

/** The day and month as the scripts compare them: `2026-03-14` → 20260314, `2026-03` → 202603. */
export function periodNumber(periodId: string): number {
  return Number(periodId.replaceAll('-', ''));
}

const periodNumbersOf = new WeakMap<CalendarPeriods, { day: number; month: number }>();

/** The day and month numbers of `periods`, worked out once per periods object (one per day and time zone). */
export function periodNumbers(periods: CalendarPeriods): { day: number; month: number } {
  let numbers = periodNumbersOf.get(periods);
  if (numbers === undefined) {
    numbers = { day: periodNumber(periods.day.id), month: periodNumber(periods.month.id) };
    periodNumbersOf.set(periods, numbers);
  }
  return numbers;
}

/** One scope's state (`shared.lua.ts`, STATE), as `limits:scope:<scope>:<id>` holds it. */
export interface ScopeState {
  /** When its key expires at the latest (ms, the scripts' clock). */
  untilMs: number;
  /** The buckets; level 0 at time 0 is a full one. Levels are scaled (`BUCKET_SCALE`). */
  rpm: BucketState;
  tpm: BucketState;
  /** Reservations in flight that hold a concurrency lease (those whose gateway died too, until the purge). */
  inFlight: number;
  /** The current day (yyyymmdd, 0: none) and its tokens (used + reserved). */
  day: number;
  dailyTokens: number;
  /** The current month (yyyymm, 0: none) and its tokens, calls and micro-USD (used + reserved). */
  month: number;
  monthlyTokens: number;
  monthlyCalls: number;
  monthlyMicros: number;
}

/** A scope's state from its key's value (null: no key, i.e. full buckets, nothing in flight, no period). */
export function decodeScopeState(value: Buffer | null): ScopeState | null {
  if (value === null) return null;
  if (value.length !== 96) throw new Error(`A scope state is 96 bytes, not ${value.length}`);
  const at = (index: number) => value.readDoubleBE(index * 8);
  return {
    untilMs: at(0),
    rpm: { level: at(1), at: at(2) },
    tpm: { level: at(3), at: at(4) },
    inFlight: at(5),
    day: at(6),
    dailyTokens: at(7),
    month: at(8),
    monthlyTokens: at(9),
    monthlyCalls: at(10),
    monthlyMicros: at(11),
  };
}

/** What a reservation took from one scope (`shared.lua.ts`, RECORD_SCOPE). */
export interface ReservationScope {
  /** The scope's state key. */
  key: string;
  tookTokens: boolean;
  leased: boolean;
  /** The counters it charged. */
  counters: { dailyTokens: boolean; monthlyTokens: boolean; monthlyCalls: boolean; monthlyBudgetUsd: boolean };
}

/** A reservation's record (`shared.lua.ts`, RECORD_HEAD), as `limits:held:<id>` holds it. */
export interface ReservationRecord {
  /** Held, or expired: released by the purge, waiting for a late settle. */
  state: 'held' | 'expired';
  tokens: number;
  micros: number;
  /** The day (yyyymmdd) and month (yyyymm) it charged. */
  day: number;
  month: number;
  requestId: string;
  scopes: ReservationScope[];
}

/** What a reservation took from a scope, as the record's flags say (`shared.lua.ts`, RECORD_SCOPE). */
const TOOK_TOKENS = 1;
const LEASED = 2;
const CHARGED_DAY = 4;
const CHARGED_TOKENS = 8;
const CHARGED_CALLS = 16;
const CHARGED_MICROS = 32;

/** A reservation's record from its key's value (null: no record). */
export function decodeReservation(value: Buffer | null): ReservationRecord | null {
  if (value === null) return null;
  const state = value.toString('latin1', 0, 1);
  if (state !== 'h' && state !== 'e') throw new Error(`Not a reservation record (state '${state}')`);
  let offset = 1;
  const double = () => {
    const read = value.readDoubleBE(offset);
    offset += 8;
    return read;
  };
  const tokens = double();
  const micros = double();
  const day = double();
  const month = double();
  const count = double();
  const scopes: ReservationScope[] = [];
  for (let index = 0; index < count; index++) {
    const end = value.indexOf(0, offset);
    if (end < 0) throw new Error('A reservation record ends inside a scope key');
    const key = value.toString('utf8', offset, end);
    offset = end + 1;
    const took = double();
    // The TPM bucket's rate and capacity: what settlement refills it with, not needed to read the record.
    offset += 16;
    scopes.push({
      key,
      tookTokens: (took & TOOK_TOKENS) !== 0,
      leased: (took & LEASED) !== 0,
      counters: {
        dailyTokens: (took & CHARGED_DAY) !== 0,
        monthlyTokens: (took & CHARGED_TOKENS) !== 0,
        monthlyCalls: (took & CHARGED_CALLS) !== 0,
        monthlyBudgetUsd: (took & CHARGED_MICROS) !== 0,
      },
    });
  }
  const requestId = value.toString('utf8', offset);
  return { state: state === 'h' ? 'held' : 'expired', tokens, micros, day, month, requestId, scopes };
}
