import { type AlertMetric, USD_SCALE } from './budget-thresholds';

export interface BudgetAlertTextInput {
  metric: AlertMetric;
  threshold: number;
  /** In the metric's unit: nano-USD for budgets, tokens or calls for quotas. */
  used: bigint;
  limit: bigint;
  percent: number;
  /** `YYYY-MM` or `YYYY-MM-DD` in the tenant's zone. */
  period: string;
  /** Absent for the tenant's own budget. */
  subscription?: { productName: string; planName: string };
}

const NOUNS: Record<AlertMetric, { quota: string; unit: string }> = {
  monthlyBudgetUsd: { quota: 'monthly budget', unit: 'monthly budget' },
  monthlyTokens: { quota: 'monthly token quota', unit: 'monthly tokens' },
  monthlyCalls: { quota: 'monthly call quota', unit: 'monthly calls' },
  dailyTokens: { quota: 'daily token quota', unit: 'daily tokens' },
};

/** Nano-USD as dollars and cents for people (`$0.85`), rounded half up; the exact amount is in the data. */
export function formatUsd(nanoUsd: bigint): string {
  const scale = 10n ** BigInt(USD_SCALE - 2);
  const cents = (nanoUsd + scale / 2n) / scale;
  return `$${(cents / 100n).toLocaleString('en-US')}.${(cents % 100n).toString().padStart(2, '0')}`;
}

const formatCount = (count: bigint) => count.toLocaleString('en-US');

/** The notification's title and body, in the tone of the other tenant notifications. */
export function budgetAlertText(input: BudgetAlertTextInput): { title: string; body: string } {
  const nouns = NOUNS[input.metric];
  const who = input.subscription
    ? `Your subscription to ${input.subscription.productName} (plan ${input.subscription.planName})`
    : 'Your organisation';
  const amount =
    input.metric === 'monthlyBudgetUsd'
      ? `has spent ${formatUsd(input.used)} of its ${formatUsd(input.limit)} ${nouns.unit}`
      : `has used ${formatCount(input.used)} of its ${formatCount(input.limit)} ${nouns.unit}`;
  const prefix = input.subscription ? `${input.subscription.productName}: ` : '';
  return {
    title: `${prefix}${input.threshold} % of the ${nouns.quota} reached`,
    body: `${who} ${amount} for ${input.period} (${input.percent} %).`,
  };
}
