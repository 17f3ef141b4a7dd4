import { type UsageTotalsResponse } from '@gatehouse/contracts';
import { type UsageSums } from '@gatehouse/db';

/** A rollup sum as the API shows it: the exact decimal cost becomes a JSON number here, and nowhere earlier. */
export function toTotals(row: UsageSums): UsageTotalsResponse {
  return {
    requests: row.requests,
    errors: row.errors,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cachedTokens: row.cachedTokens,
    costUsd: Number(row.costUsd),
  };
}
