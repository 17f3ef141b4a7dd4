'use client';

import { notificationSchema, type NotificationResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { Badge, Button, cx, EmptyState, focusRing, QuotaBar, type BadgeTone } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import { callLogHref, incidentLogView } from '../../lib/call-log-view';
import { formatCompact, formatDateTime, formatRelative, formatUsd } from '../../lib/format';
import { Icon, type IconName } from '../icons';

const kinds: Record<string, { label: string; tone: BadgeTone; icon: IconName }> = {
  'subscription.approved': { label: 'Approved', tone: 'success', icon: 'approval' },
  'subscription.rejected': { label: 'Rejected', tone: 'danger', icon: 'approval' },
  'subscription.revoked': { label: 'Revoked', tone: 'neutral', icon: 'ban' },
  'subscription.expired': { label: 'Expired', tone: 'neutral', icon: 'approval' },
  'budget.threshold': { label: 'Budget alert', tone: 'warning', icon: 'gauge' },
  'anomaly.error_rate': { label: 'Anomaly', tone: 'danger', icon: 'alert' },
  'anomaly.throughput_drop': { label: 'Anomaly', tone: 'warning', icon: 'chart' },
  'anomaly.cost_spike': { label: 'Anomaly', tone: 'warning', icon: 'gauge' },
  'anomaly.policy_violations': { label: 'Anomaly', tone: 'warning', icon: 'shield' },
  'anomaly.resolved': { label: 'Resolved', tone: 'success', icon: 'check' },
};
const otherKind = { label: 'Notice', tone: 'neutral' as BadgeTone, icon: 'bell' as IconName };

/**
 * What a budget alert's `data` carries for a bar (apps/worker budget alerts): exact decimal strings in the metric's
 * unit and the percentage when it fired. Anything else is shown as text only.
 */
const budgetDataSchema = z.object({
  metric: z.string(),
  unit: z.enum(['USD', 'tokens', 'calls']),
  used: z.string(),
  limit: z.string(),
  percent: z.number(),
  subscriptionId: z.string().nullable().optional(),
});

/** What an anomaly alert's `data` carries for a link to its calls (apps/worker anomaly alerts). */
const anomalyDataSchema = z.object({ signal: z.string(), windowStart: z.string(), windowEnd: z.string() });

const metricLabels: Record<string, string> = {
  monthlyBudgetUsd: 'Monthly budget',
  monthlyTokens: 'Tokens this month',
  monthlyCalls: 'Calls this month',
  dailyTokens: 'Tokens that day',
};

export interface NotificationListProps {
  tenantId: string;
  notifications: NotificationResponse[];
  timeZone: string;
}

/**
 * The workspace's notifications, newest first, unread ones highlighted. Marking one as read goes through the
 * /api/v1 proxy and then refreshes the server render (which also updates the sidebar's unread count); the item
 * shows as read at once so the click feels immediate.
 */
export function NotificationList({ tenantId, notifications, timeZone }: NotificationListProps) {
  const router = useRouter();
  // Read once per render so every "x minutes ago" on the page agrees.
  const [now] = useState(() => Date.now());
  const [readIds, setReadIds] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [markingAll, setMarkingAll] = useState(false);
  const itemRefs = useRef(new Map<string, HTMLElement>());
  const listRef = useRef<HTMLUListElement>(null);

  const isUnread = (notification: NotificationResponse) =>
    notification.readAt === null && !readIds.has(notification.id);
  const unread = notifications.filter(isUnread);
  const subscriptionsHref = `/t/${encodeURIComponent(tenantId)}/subscriptions`;

  const markRead = (ids: string[]) =>
    Promise.all(
      ids.map((id) =>
        callApi('POST', tenantPath(tenantId, `/notifications/${encodeURIComponent(id)}/read`), {
          schema: notificationSchema,
        }).then((result) => ({ id, result })),
      ),
    );

  const markOne = async (notification: NotificationResponse) => {
    setBusy((current) => new Set(current).add(notification.id));
    const [outcome] = await markRead([notification.id]);
    setBusy((current) => {
      const next = new Set(current);
      next.delete(notification.id);
      return next;
    });
    if (outcome && !outcome.result.ok) {
      toast.error('Could not mark it as read', { description: outcome.result.error.message });
      return;
    }
    setReadIds((current) => new Set(current).add(notification.id));
    // The button is gone once the item is read: keep keyboard focus on the item rather than losing it to the page.
    itemRefs.current.get(notification.id)?.focus();
    router.refresh();
  };

  const markAll = async () => {
    setMarkingAll(true);
    const outcomes = await markRead(unread.map((notification) => notification.id));
    setMarkingAll(false);
    const done = outcomes.filter((outcome) => outcome.result.ok).map((outcome) => outcome.id);
    setReadIds((current) => new Set([...current, ...done]));
    listRef.current?.focus();
    if (done.length < outcomes.length) {
      toast.error(`${outcomes.length - done.length} could not be marked as read`, {
        description: 'Try again in a moment.',
      });
    } else {
      toast.success('All caught up', { description: 'Every notification on this page is marked as read.' });
    }
    router.refresh();
  };

  if (notifications.length === 0) {
    return (
      <EmptyState
        icon={<Icon name="bell" className="size-6" />}
        title="No notifications yet"
        description="Decisions on your access requests, expiries, budget alerts and unusual traffic will appear here."
      />
    );
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-600" aria-live="polite">
          {unread.length === 0
            ? 'Everything here is read.'
            : `${unread.length} unread ${unread.length === 1 ? 'notification' : 'notifications'} on this page.`}
        </p>
        {unread.length > 0 && (
          <Button variant="secondary" size="sm" onClick={() => void markAll()} loading={markingAll}>
            <Icon name="check" className="size-4" />
            Mark all as read
          </Button>
        )}
      </div>

      <ul
        ref={listRef}
        tabIndex={-1}
        aria-label="Notifications, newest first"
        className="divide-y divide-slate-100 overflow-hidden rounded-2xl border border-slate-200 bg-white outline-none"
      >
        {notifications.map((notification) => {
          const kind = kinds[notification.kind] ?? otherKind;
          const isNew = isUnread(notification);
          const budget =
            notification.kind === 'budget.threshold' ? budgetDataSchema.safeParse(notification.data) : null;
          const anomaly = notification.kind.startsWith('anomaly.')
            ? anomalyDataSchema.safeParse(notification.data)
            : null;
          const linksToSubscriptions =
            notification.kind.startsWith('subscription.') ||
            (budget?.success === true && Boolean(budget.data.subscriptionId));
          return (
            <li
              key={notification.id}
              ref={(element) => {
                if (element) itemRefs.current.set(notification.id, element);
                else itemRefs.current.delete(notification.id);
              }}
              tabIndex={-1}
              className={cx(
                'relative flex gap-3 px-4 py-4 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-inset sm:gap-4 sm:px-5',
                isNew && 'bg-indigo-50/50',
              )}
            >
              {isNew && <span aria-hidden="true" className="absolute inset-y-0 left-0 w-1 bg-indigo-500" />}
              <div
                className={cx(
                  'mt-0.5 flex size-9 shrink-0 items-center justify-center rounded-lg ring-1',
                  isNew ? 'bg-white text-indigo-600 ring-indigo-200' : 'bg-slate-50 text-slate-500 ring-slate-200',
                )}
              >
                <Icon name={kind.icon} className="size-5" />
              </div>
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                  <h2 className={cx('text-sm text-slate-950', isNew ? 'font-semibold' : 'font-medium')}>
                    {isNew && <span className="sr-only">Unread: </span>}
                    {notification.title}
                  </h2>
                  <Badge tone={kind.tone}>{kind.label}</Badge>
                </div>
                <p className="mt-1 text-sm leading-6 break-words text-slate-600">{notification.body}</p>
                {budget?.success && <BudgetBar data={budget.data} />}
                <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-2 text-xs text-slate-500">
                  <time
                    dateTime={notification.createdAt}
                    title={formatDateTime(notification.createdAt, timeZone)}
                    suppressHydrationWarning
                  >
                    {formatRelative(notification.createdAt, now)}
                  </time>
                  {linksToSubscriptions && (
                    <Link
                      href={subscriptionsHref}
                      className={cx('rounded font-medium text-indigo-700 hover:text-indigo-600', focusRing)}
                    >
                      View subscriptions
                    </Link>
                  )}
                  {anomaly?.success && (
                    <Link
                      href={callLogHref(`/t/${encodeURIComponent(tenantId)}/logs`, incidentLogView(anomaly.data))}
                      className={cx('rounded font-medium text-indigo-700 hover:text-indigo-600', focusRing)}
                    >
                      View the calls
                    </Link>
                  )}
                </div>
              </div>
              {isNew && (
                <div className="shrink-0 self-start">
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => void markOne(notification)}
                    loading={busy.has(notification.id)}
                    disabled={markingAll}
                  >
                    <Icon name="check" className="size-4" />
                    <span className="hidden sm:inline">Mark as read</span>
                    <span className="sr-only sm:hidden">Mark as read</span>
                    <span className="sr-only">: {notification.title}</span>
                  </Button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function BudgetBar({ data }: { data: z.infer<typeof budgetDataSchema> }) {
  const used = Number(data.used);
  const limit = Number(data.limit);
  const format = data.unit === 'USD' ? formatUsd : formatCompact;
  return (
    <QuotaBar
      className="mt-3 max-w-md"
      label={metricLabels[data.metric] ?? 'Usage'}
      percent={data.percent}
      usedLabel={format(used)}
      limitLabel={format(limit)}
    />
  );
}
