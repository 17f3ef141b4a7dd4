import type { BadgeTone } from '@gatehouse/ui';
import { LIMIT_NAMES, type Limits, type SubscriptionResponse } from '@gatehouse/contracts';
import { formatInteger, formatUsd } from '../../lib/format';

/**
 * Limits and prices as people read them. admin-api answers limits by their API names with null for "unlimited"
 * and money as decimal strings; the catalog and subscriptions pages show the same words for the same limits.
 */

/** One limit in words, such as "60 requests/min (bursts of 90)" or "$5.00 / month budget". */
export interface LimitPhrase {
  /** Stable, for React keys. */
  name: string;
  text: string;
}

const plural = (count: number, one: string, many: string) => `${formatInteger(count)} ${count === 1 ? one : many}`;

/** The limits a plan or subscription sets, in the order people weigh them: money, volume, then speed. */
export function limitPhrases(limits: Limits): LimitPhrase[] {
  const phrases: LimitPhrase[] = [];
  if (limits.monthlyBudgetUsd != null) {
    phrases.push({ name: 'monthlyBudgetUsd', text: `${formatUsd(Number(limits.monthlyBudgetUsd))} / month budget` });
  }
  if (limits.monthlyTokens != null) {
    phrases.push({ name: 'monthlyTokens', text: `${plural(limits.monthlyTokens, 'token', 'tokens')}/month` });
  }
  if (limits.dailyTokens != null) {
    phrases.push({ name: 'dailyTokens', text: `${plural(limits.dailyTokens, 'token', 'tokens')}/day` });
  }
  if (limits.monthlyCalls != null) {
    phrases.push({ name: 'monthlyCalls', text: `${plural(limits.monthlyCalls, 'call', 'calls')}/month` });
  }
  if (limits.rpm != null) {
    const burst = limits.rpmBurst ? ` (bursts of ${formatInteger(limits.rpmBurst)})` : '';
    phrases.push({ name: 'rpm', text: `${plural(limits.rpm, 'request', 'requests')}/min${burst}` });
  }
  if (limits.tpm != null) {
    const burst = limits.tpmBurst ? ` (bursts of ${formatInteger(limits.tpmBurst)})` : '';
    phrases.push({ name: 'tpm', text: `${plural(limits.tpm, 'token', 'tokens')}/min${burst}` });
  }
  if (limits.concurrency != null) {
    phrases.push({
      name: 'concurrency',
      text: `${plural(limits.concurrency, 'request', 'requests')} at a time`,
    });
  }
  return phrases;
}

/** Which of the product's models the limits allow: every one when the list is null. */
export function allowedModelsText(limits: Limits): string | null {
  if (!limits.allowedModels || limits.allowedModels.length === 0) return null;
  return `Only ${limits.allowedModels.join(', ')}`;
}

/**
 * A price per 1M tokens from its exact decimal string, with cents at least ("0.5" → "$0.50", "0.075" → "$0.075"):
 * rounding a price through a float could show a cheaper model than the one billed.
 */
export function formatPricePer1M(price: string | null): string {
  if (price === null) return 'not priced';
  const [whole = '0', fraction = ''] = price.split('.');
  const wholeText = formatInteger(Number(whole));
  return `$${wholeText}.${fraction.padEnd(2, '0')}`;
}

export const subscriptionStatus: Record<
  SubscriptionResponse['status'],
  { tone: BadgeTone; label: string; description: string }
> = {
  PENDING: { tone: 'warning', label: 'Pending', description: 'Waiting for a platform admin to decide.' },
  APPROVED: { tone: 'success', label: 'Approved', description: 'Keys of this workspace can use it.' },
  REJECTED: { tone: 'danger', label: 'Rejected', description: 'The request was turned down.' },
  REVOKED: { tone: 'neutral', label: 'Revoked', description: 'Access was withdrawn; keys no longer reach it.' },
  EXPIRED: { tone: 'neutral', label: 'Expired', description: 'The grant ran out; request access again to continue.' },
  SUPERSEDED: {
    tone: 'neutral',
    label: 'Replaced',
    description: 'A plan change took over from it; keys use the new plan.',
  },
};

/** A pending or approved subscription: the product is taken, and asking again would be refused. */
export const isLive = (status: SubscriptionResponse['status']) => status === 'PENDING' || status === 'APPROVED';

/** The id of a product's heading on the catalog page, where focus goes after a request. */
export const productHeadingId = (productId: string) => `product-${productId}`;

/**
 * How a plan compares to the one the workspace holds, by its numeric limits (null = unlimited, the most; bursts
 * are left out, since null there means "a minute's worth"): an upgrade when none is lower and one is higher, a
 * downgrade when the reverse, else a switch.
 */
export function planChangeKind(from: Limits, to: Limits): 'upgrade' | 'downgrade' | 'switch' {
  let higher = false;
  let lower = false;
  for (const name of LIMIT_NAMES) {
    if (name === 'allowedModels' || name === 'rpmBurst' || name === 'tpmBurst') continue;
    const a = from[name] == null ? Infinity : Number(from[name]);
    const b = to[name] == null ? Infinity : Number(to[name]);
    if (b > a) higher = true;
    if (b < a) lower = true;
  }
  if (higher && !lower) return 'upgrade';
  if (lower && !higher) return 'downgrade';
  return 'switch';
}
