'use client';

import type { AdminSubscriptionResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { toast } from 'sonner';
import { Badge, Button, Card, EmptyState, focusRing, PageHeader } from '@gatehouse/ui';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Icon } from '../icons';
import { ApproveDialog } from './approve-dialog';
import { LimitsList } from './limits';
import { ReasonDialog } from './reason-dialog';

// A request older than this is flagged: tenants are waiting on it, and the default alerting has nothing to say.
const SLOW_AFTER_MS = 2 * 86_400_000;

type Panel =
  | { kind: 'none' }
  | { kind: 'approve'; request: AdminSubscriptionResponse }
  | { kind: 'reject'; request: AdminSubscriptionResponse };

export interface ApprovalQueueProps {
  requests: AdminSubscriptionResponse[];
  /** Requesters by user id (tenant members); a missing one shows as "a member". */
  requesters: Record<string, { name: string; email: string }>;
  /** More requests wait beyond the page read. */
  hasMore: boolean;
}

/**
 * The approval queue: pending requests, oldest first, each approved (with optional overrides and expiry) or
 * rejected (with a reason). A decided request is hidden at once, then the server list is fetched again
 * (router.refresh), so the queue never shows a request that is no longer waiting.
 */
export function ApprovalQueue({ requests, requesters, hasMore }: ApprovalQueueProps) {
  const router = useRouter();
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [decided, setDecided] = useState<Set<string>>(() => new Set());
  // Read once so every "x hours ago" on the page agrees, and the server and browser renders match.
  const [now] = useState(() => Date.now());
  const regionRef = useRef<HTMLDivElement>(null);

  const waiting = requests.filter((request) => !decided.has(request.id));
  const close = () => setPanel({ kind: 'none' });

  const leave = (request: AdminSubscriptionResponse) => {
    setDecided((current) => new Set(current).add(request.id));
    close();
    router.refresh();
    requestAnimationFrame(() => regionRef.current?.focus());
  };

  const approved = (request: AdminSubscriptionResponse) => {
    toast.success(`Approved ${request.productName} for ${request.tenantName}`, {
      description: request.expiresAt
        ? `Access ends ${formatDateTime(request.expiresAt, 'UTC')} UTC.`
        : 'Their keys can call it within seconds.',
    });
    leave(request);
  };

  const rejected = (request: AdminSubscriptionResponse) => {
    toast.success(`Rejected ${request.productName} for ${request.tenantName}`, {
      description: 'The tenant is notified with your reason.',
    });
    leave(request);
  };

  const stale = (request: AdminSubscriptionResponse, message: string) => {
    toast.info('This request was already decided', { description: message });
    leave(request);
  };

  const count = waiting.length;

  return (
    <div className="space-y-8">
      <PageHeader
        title="Approvals"
        description="Access requests for plans that need a decision, oldest first. Approve with the plan’s limits or your own, or reject with a reason the tenant will see."
      />

      {/* Focus lands here after a decision, since the button that opened the dialog left with its request. */}
      <div ref={regionRef} tabIndex={-1} className="space-y-4 rounded-2xl outline-none">
        {count === 0 ? (
          <EmptyState
            icon={<Icon name="check" className="size-6" />}
            title="No requests waiting"
            description="When a tenant asks for a plan that needs approval, the request appears here. Plans that approve automatically never do."
            actions={
              <Link href="/admin/tenants" className={`rounded text-sm font-medium text-indigo-700 ${focusRing}`}>
                Browse tenants
              </Link>
            }
          />
        ) : (
          <>
            <h2 className="text-sm font-normal text-slate-600">
              <span className="font-semibold text-slate-950 tabular-nums">
                {count}
                {hasMore ? '+' : ''}
              </span>{' '}
              {count === 1 && !hasMore ? 'request' : 'requests'} waiting
              {hasMore && <span className="text-slate-500"> · the oldest are shown; decide them to see the rest</span>}
            </h2>
            <ul className="space-y-4">
              {waiting.map((request) => (
                <li key={request.id}>
                  <RequestCard
                    request={request}
                    requester={request.requestedById ? requesters[request.requestedById] : undefined}
                    now={now}
                    onApprove={() => setPanel({ kind: 'approve', request })}
                    onReject={() => setPanel({ kind: 'reject', request })}
                  />
                </li>
              ))}
            </ul>
          </>
        )}
      </div>

      <ApproveDialog
        request={panel.kind === 'approve' ? panel.request : null}
        onClose={close}
        onApproved={approved}
        onStale={stale}
      />
      <ReasonDialog
        open={panel.kind === 'reject'}
        onClose={close}
        title="Reject this request"
        description={
          panel.kind === 'reject' ? (
            <>
              <span className="font-medium text-slate-900">{panel.request.tenantName}</span> will not get{' '}
              <span className="font-medium text-slate-900">{panel.request.productName}</span> (plan{' '}
              {panel.request.planName}). They can ask again later.
            </>
          ) : undefined
        }
        path={panel.kind === 'reject' ? `/admin/subscriptions/${encodeURIComponent(panel.request.id)}/reject` : ''}
        reasonLabel="Reason"
        reasonHint="Sent to the tenant with the decision. Say what would make a new request succeed."
        confirmLabel="Reject request"
        busyLabel="Rejecting…"
        failureTitle="The request was not rejected"
        onDone={() => panel.kind === 'reject' && rejected(panel.request)}
        onStale={(message) => panel.kind === 'reject' && stale(panel.request, message)}
      />
    </div>
  );
}

function RequestCard({
  request,
  requester,
  now,
  onApprove,
  onReject,
}: {
  request: AdminSubscriptionResponse;
  requester: { name: string; email: string } | undefined;
  now: number;
  onApprove: () => void;
  onReject: () => void;
}) {
  const waitedMs = now - Date.parse(request.createdAt);
  const tenantHref = `/admin/tenants/${encodeURIComponent(request.tenantId)}`;
  return (
    <Card className="overflow-hidden">
      <article aria-label={`${request.tenantName}: ${request.productName}`}>
        <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0">
            <p className="text-sm text-slate-600">
              <Link
                href={tenantHref}
                className={`rounded font-medium text-indigo-700 hover:text-indigo-600 ${focusRing}`}
              >
                {request.tenantName}
              </Link>{' '}
              asks for
            </p>
            <h3 className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-lg font-semibold tracking-tight text-slate-950">
              <span className="min-w-0 break-words">{request.productName}</span>
              <Badge tone="brand">Plan {request.planName}</Badge>
              {request.replacesPlanName && <Badge tone="neutral">change from {request.replacesPlanName}</Badge>}
            </h3>
          </div>
          <div className="shrink-0 text-sm text-slate-600 sm:text-right">
            <p>
              Requested{' '}
              <time
                dateTime={request.createdAt}
                title={`${formatDateTime(request.createdAt, 'UTC')} UTC`}
                suppressHydrationWarning
              >
                {formatRelative(request.createdAt, now)}
              </time>
            </p>
            <p className="text-slate-500">
              by{' '}
              {requester ? (
                <span title={requester.email}>
                  <span className="font-medium text-slate-700">{requester.name}</span>
                  <span className="sr-only"> ({requester.email})</span>
                </span>
              ) : (
                'a member of the tenant'
              )}
            </p>
            {waitedMs > SLOW_AFTER_MS && (
              <Badge tone="warning" className="mt-1.5">
                Waiting {Math.floor(waitedMs / 86_400_000)} days
              </Badge>
            )}
          </div>
        </div>

        <div className="space-y-5 border-t border-slate-100 px-5 py-4">
          <div>
            <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Justification</h4>
            {request.justification ? (
              <blockquote className="mt-1.5 border-l-2 border-indigo-200 pl-3 text-sm leading-6 whitespace-pre-line text-slate-800">
                {request.justification}
              </blockquote>
            ) : (
              <p className="mt-1.5 text-sm text-slate-500 italic">No justification given.</p>
            )}
          </div>
          <div>
            <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Plan limits</h4>
            <LimitsList limits={request.planLimits} className="mt-2" />
          </div>
        </div>

        <div className="flex flex-col-reverse gap-2 border-t border-slate-100 bg-slate-50/60 px-5 py-3 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onReject} className="text-rose-700 hover:text-rose-800">
            <Icon name="ban" className="size-4" />
            Reject
          </Button>
          <Button onClick={onApprove}>
            <Icon name="check" className="size-4" />
            Approve
          </Button>
        </div>
      </article>
    </Card>
  );
}
