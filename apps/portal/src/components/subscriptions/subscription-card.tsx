import type {
  BudgetUsageResponse,
  QuotaUsageResponse,
  SubscriptionLimitUsageResponse,
  SubscriptionResponse,
} from '@gatehouse/contracts';
import type { ReactNode } from 'react';
import { Alert, Badge, Card, QuotaBar } from '@gatehouse/ui';
import type { LiveLimits } from '../../lib/api/tenant-access';
import { formatCompact, formatDate, formatDateTime, formatInteger, formatUsd } from '../../lib/format';
import { allowedModelsText, limitPhrases, subscriptionStatus } from '../catalog/limit-words';

/**
 * One subscription: its state, its effective limits (the plan's with an admin's overrides) and, while approved,
 * what the gateway has counted against them. The bars read the live counters (what is enforced), not the hourly
 * rollups, so a quota that is about to refuse calls shows as full here at the same moment.
 */
export function SubscriptionCard({
  subscription,
  pendingChange,
  live,
  timeZone,
}: {
  subscription: SubscriptionResponse;
  /** For an approved grant: the workspace's request for another plan of the product, waiting for an admin. */
  pendingChange?: SubscriptionResponse;
  live: LiveLimits;
  timeZone: string;
}) {
  const status = subscriptionStatus[subscription.status];
  const headingId = `subscription-${subscription.id}`;
  const phrases = limitPhrases(subscription.limits);
  const models = allowedModelsText(subscription.limits);

  return (
    <Card className="overflow-hidden">
      <section aria-labelledby={headingId}>
        <div className="flex flex-col gap-3 px-5 pt-5 sm:flex-row sm:items-start sm:justify-between sm:px-6">
          <div className="min-w-0">
            <h2 id={headingId} className="text-base font-semibold text-slate-950">
              {subscription.productName}
            </h2>
            <p className="text-sm text-slate-600">
              Plan <span className="font-mono text-[13px] font-medium text-slate-900">{subscription.planName}</span>
              {subscription.status === 'PENDING' && subscription.replacesPlanName && (
                <>
                  {' '}
                  · change from{' '}
                  <span className="font-mono text-[13px] font-medium text-slate-900">
                    {subscription.replacesPlanName}
                  </span>
                </>
              )}
            </p>
            {pendingChange && (
              <p className="mt-1 text-sm text-slate-600">
                <Badge tone="warning">Change pending</Badge> to plan{' '}
                <span className="font-mono text-[13px] font-medium text-slate-900">{pendingChange.planName}</span>,
                waiting for a platform admin; this plan stays in force until then.
              </p>
            )}
          </div>
          <Badge tone={status.tone} className="self-start">
            {status.label}
          </Badge>
        </div>

        <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-3 px-5 text-sm sm:flex sm:flex-wrap sm:px-6">
          <Fact label="Requested">
            <DateText iso={subscription.createdAt} timeZone={timeZone} />
          </Fact>
          {subscription.decidedAt && (
            <Fact label={decidedLabel(subscription.status)}>
              <DateText iso={subscription.decidedAt} timeZone={timeZone} />
            </Fact>
          )}
          {(subscription.status === 'APPROVED' || subscription.status === 'EXPIRED') && (
            <Fact label={subscription.status === 'EXPIRED' ? 'Expired' : 'Expires'}>
              {subscription.expiresAt ? (
                <DateText iso={subscription.expiresAt} timeZone={timeZone} />
              ) : (
                <span className="text-slate-500">Never</span>
              )}
            </Fact>
          )}
        </dl>

        {subscription.reason && (subscription.status === 'REJECTED' || subscription.status === 'REVOKED') && (
          <Alert
            // Not 'danger': that tone is role="alert", which would interrupt a screen reader on every page load.
            tone="warning"
            title={subscription.status === 'REJECTED' ? 'Why it was rejected' : 'Why it was revoked'}
            className="mx-5 mt-4 sm:mx-6"
          >
            {subscription.reason}
          </Alert>
        )}
        {subscription.status === 'PENDING' && (
          <p className="mx-5 mt-4 text-sm text-slate-600 sm:mx-6">
            {status.description}
            {subscription.replacesPlanName &&
              ` Plan ${subscription.replacesPlanName} stays in force until then; on approval this plan replaces it at once.`}
          </p>
        )}
        {subscription.status === 'SUPERSEDED' && subscription.reason && (
          <p className="mx-5 mt-4 text-sm text-slate-600 sm:mx-6">{subscription.reason}</p>
        )}

        <div className="mt-5 grid gap-6 border-t border-slate-100 px-5 py-5 sm:px-6 lg:grid-cols-5">
          <div className="lg:col-span-2">
            <h3 className="text-sm font-semibold text-slate-950">Limits</h3>
            {phrases.length === 0 ? (
              <p className="mt-2 text-sm text-slate-600">Unlimited</p>
            ) : (
              <ul className="mt-2 space-y-1 text-sm text-slate-700">
                {phrases.map((phrase) => (
                  <li key={phrase.name} className="flex gap-2">
                    <span aria-hidden="true" className="mt-2 size-1.5 shrink-0 rounded-full bg-indigo-400" />
                    {phrase.text}
                  </li>
                ))}
              </ul>
            )}
            {models && <p className="mt-2 text-sm text-slate-500">{models}</p>}
            {subscription.justification && (
              <div className="mt-4 text-sm">
                <h4 className="font-medium text-slate-900">Your justification</h4>
                <p className="mt-1 break-words whitespace-pre-line text-slate-600">{subscription.justification}</p>
              </div>
            )}
          </div>
          <div className="lg:col-span-3">
            <h3 className="text-sm font-semibold text-slate-950">Usage</h3>
            <div className="mt-2">
              <LiveUsage live={live} status={subscription.status} timeZone={timeZone} />
            </div>
          </div>
        </div>
      </section>
    </Card>
  );
}

function decidedLabel(status: SubscriptionResponse['status']): string {
  if (status === 'REJECTED') return 'Rejected';
  if (status === 'REVOKED') return 'Revoked';
  if (status === 'SUPERSEDED') return 'Replaced';
  return 'Approved';
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="text-slate-900">{children}</dd>
    </div>
  );
}

function DateText({ iso, timeZone }: { iso: string; timeZone: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso, timeZone)}>
      {formatDate(iso, timeZone)}
    </time>
  );
}

function LiveUsage({
  live,
  status,
  timeZone,
}: {
  live: LiveLimits;
  status: SubscriptionResponse['status'];
  timeZone: string;
}) {
  if (live.state === 'not-live') {
    return (
      <p className="text-sm text-slate-600">
        {status === 'PENDING'
          ? 'Counted once the subscription is approved.'
          : status === 'REJECTED'
            ? 'Nothing is counted: this request was never approved.'
            : 'Nothing is counted: keys can no longer use this subscription.'}
      </p>
    );
  }
  if (live.state === 'unavailable') {
    return (
      <Alert tone="warning" title="Live usage is not available right now">
        {live.message} Calls are still counted; reload the page in a moment.
      </Alert>
    );
  }
  return <UsageBars usage={live.usage} timeZone={timeZone} />;
}

function percentOf(used: number, limit: number): number {
  return limit > 0 ? (used / limit) * 100 : 100;
}

function UsageBars({ usage, timeZone }: { usage: SubscriptionLimitUsageResponse; timeZone: string }) {
  const { quotas, rates, concurrency } = usage;
  const bars: ReactNode[] = [];
  if (quotas.monthlyBudgetUsd) {
    bars.push(<BudgetBar key="budget" label="Budget this month" quota={quotas.monthlyBudgetUsd} timeZone={timeZone} />);
  }
  if (quotas.monthlyTokens) {
    bars.push(
      <CountBar key="monthlyTokens" label="Tokens this month" quota={quotas.monthlyTokens} timeZone={timeZone} />,
    );
  }
  if (quotas.monthlyCalls) {
    bars.push(<CountBar key="monthlyCalls" label="Calls this month" quota={quotas.monthlyCalls} timeZone={timeZone} />);
  }
  if (quotas.dailyTokens) {
    bars.push(<CountBar key="dailyTokens" label="Tokens today" quota={quotas.dailyTokens} timeZone={timeZone} />);
  }

  const now: string[] = [];
  if (rates.rpm)
    now.push(`${formatInteger(rates.rpm.remaining)} of ${formatInteger(rates.rpm.capacity)} requests available`);
  if (rates.tpm)
    now.push(`${formatCompact(rates.tpm.remaining)} of ${formatCompact(rates.tpm.capacity)} tokens available`);
  if (concurrency)
    now.push(`${formatInteger(concurrency.inUse)} of ${formatInteger(concurrency.limit)} requests in flight`);

  return (
    <div className="space-y-4">
      {bars.length === 0 ? (
        <p className="text-sm text-slate-600">No quota or budget on this plan, so there is nothing to run out of.</p>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2">{bars}</div>
      )}
      {now.length > 0 && (
        <p className="text-xs text-slate-500">
          <span className="font-medium text-slate-600">Right now:</span> {now.join(' · ')}
        </p>
      )}
    </div>
  );
}

function Resets({ resetsAt, timeZone, held }: { resetsAt: string; timeZone: string; held: string | null }) {
  return (
    <p className="mt-0.5 text-xs text-slate-500">
      Resets <DateText iso={resetsAt} timeZone={timeZone} />
      {held && <> · {held} held by calls in flight</>}
    </p>
  );
}

function CountBar({ label, quota, timeZone }: { label: string; quota: QuotaUsageResponse; timeZone: string }) {
  return (
    <div>
      <QuotaBar
        label={label}
        percent={percentOf(quota.used, quota.limit)}
        usedLabel={formatCompact(quota.used)}
        limitLabel={formatCompact(quota.limit)}
      />
      <Resets
        resetsAt={quota.resetsAt}
        timeZone={timeZone}
        held={quota.reserved > 0 ? formatCompact(quota.reserved) : null}
      />
    </div>
  );
}

function BudgetBar({ label, quota, timeZone }: { label: string; quota: BudgetUsageResponse; timeZone: string }) {
  const used = Number(quota.used);
  const limit = Number(quota.limit);
  const reserved = Number(quota.reserved);
  return (
    <div>
      <QuotaBar
        label={label}
        percent={percentOf(used, limit)}
        usedLabel={formatUsd(used)}
        limitLabel={formatUsd(limit)}
      />
      <Resets resetsAt={quota.resetsAt} timeZone={timeZone} held={reserved > 0 ? formatUsd(reserved) : null} />
    </div>
  );
}
