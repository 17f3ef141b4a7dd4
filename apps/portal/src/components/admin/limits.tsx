import type { Limits } from '@gatehouse/contracts';
import { cx } from '@gatehouse/ui';
import { formatCompact, formatInteger, formatUsd } from '../../lib/format';

/** Every limit named, null = unlimited: what plans and subscriptions answer with. */
export type FullLimits = Required<Limits>;

type NumericLimit = Exclude<keyof FullLimits, 'allowedModels' | 'monthlyBudgetUsd'>;

// Money first, then the monthly quotas, then the rates: the order an approver weighs a request in.
const NUMERIC_ROWS: { name: NumericLimit; label: string }[] = [
  { name: 'monthlyTokens', label: 'Monthly tokens' },
  { name: 'monthlyCalls', label: 'Monthly calls' },
  { name: 'dailyTokens', label: 'Daily tokens' },
  { name: 'rpm', label: 'Requests / min' },
  { name: 'tpm', label: 'Tokens / min' },
  { name: 'concurrency', label: 'Concurrent' },
];

/** A limit as people read it: "$50", "1.2M", or "Unlimited" for null. */
export function limitText(limits: FullLimits, name: keyof FullLimits): string {
  const value = limits[name];
  if (value === null || value === undefined) return 'Unlimited';
  if (name === 'monthlyBudgetUsd') return formatUsd(Number(value));
  if (Array.isArray(value)) return value.join(', ');
  return formatCompact(value as number);
}

/** The exact value, for a tooltip next to a compact one. */
export function limitTitle(limits: FullLimits, name: keyof FullLimits): string | undefined {
  const value = limits[name];
  return typeof value === 'number' ? formatInteger(value) : undefined;
}

/**
 * A plan's or subscription's limits as a compact definition list. `overrides` marks the names an admin changed at
 * approval, so the difference from the plan is visible at a glance.
 */
export function LimitsList({
  limits,
  overrides,
  className,
}: {
  limits: FullLimits;
  overrides?: Limits | null;
  className?: string;
}) {
  const rows: { name: keyof FullLimits; label: string }[] = [
    { name: 'monthlyBudgetUsd', label: 'Monthly budget' },
    ...NUMERIC_ROWS,
  ];
  return (
    <div className={className}>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3 lg:grid-cols-4">
        {rows.map((row) => {
          const changed = overrides !== undefined && overrides !== null && row.name in overrides;
          const unlimited = limits[row.name] === null;
          return (
            <div key={row.name} className="min-w-0">
              <dt className="truncate text-xs font-medium text-slate-500">{row.label}</dt>
              <dd
                className={cx(
                  'mt-0.5 truncate text-sm tabular-nums',
                  unlimited ? 'text-slate-500' : 'font-medium text-slate-900',
                )}
                title={limitTitle(limits, row.name)}
              >
                {limitText(limits, row.name)}
                {changed && <span className="ml-1 text-xs font-normal text-indigo-700">(override)</span>}
              </dd>
            </div>
          );
        })}
      </dl>
      <p className="mt-3 text-xs text-slate-500">
        <span className="font-medium text-slate-600">Models:</span>{' '}
        {limits.allowedModels === null || limits.allowedModels === undefined
          ? 'every model of the product'
          : limits.allowedModels.join(', ')}
      </p>
    </div>
  );
}
