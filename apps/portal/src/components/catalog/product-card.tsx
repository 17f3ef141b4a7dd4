import type { CatalogPlanResponse, CatalogProductResponse, SubscriptionResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Badge, Card, cx, focusRing } from '@gatehouse/ui';
import { formatDate } from '../../lib/format';
import {
  allowedModelsText,
  formatPricePer1M,
  isLive,
  limitPhrases,
  planChangeKind,
  productHeadingId,
  subscriptionStatus,
} from './limit-words';
import { RequestAccess } from './request-access-dialog';

/** Where the workspace stands with a product: its approved grant, its pending request, else its latest one. */
export interface ProductStanding {
  current: SubscriptionResponse | null;
  pending: SubscriptionResponse | null;
  /** Only read when there is neither: a rejected, revoked, expired or replaced subscription. */
  latest: SubscriptionResponse | null;
}

export interface ProductCardProps {
  tenantId: string;
  product: CatalogProductResponse;
  standing: ProductStanding;
  canRequest: boolean;
  timeZone: string;
}

/**
 * One product of the catalog: what it is, what its models cost, its plans with their limits in words, and where
 * the workspace stands with it. The held plan is "Your plan"; a requested one is marked pending (not yours yet).
 * Other plans of a held product are offered as a plan change (upgrade, downgrade or switch), which replaces the
 * grant once approved. While a request waits, only plans approved automatically can be taken: admin-api refuses
 * a second pending request for a product (409 subscription_exists).
 */
export function ProductCard({ tenantId, product, standing, canRequest, timeZone }: ProductCardProps) {
  const headingId = productHeadingId(product.id);
  const { current, pending } = standing;
  const shown = current ?? pending ?? standing.latest;
  const currentPlan = current ? product.plans.find((plan) => plan.id === current.planId) : undefined;
  const subscriptionsHref = `/t/${encodeURIComponent(tenantId)}/subscriptions`;
  const actionFor = (plan: CatalogPlanResponse): ReactNode => {
    if (!canRequest || plan.id === current?.planId || plan.id === pending?.planId) return null;
    if (pending && !plan.autoApprove) return null;
    return (
      <RequestAccess
        tenantId={tenantId}
        productId={product.id}
        productName={product.name}
        plan={plan}
        change={
          current
            ? {
                fromPlanName: current.planName,
                kind: planChangeKind(currentPlan?.limits ?? current.limits, plan.limits),
              }
            : undefined
        }
      />
    );
  };

  return (
    <Card className="overflow-hidden">
      <section aria-labelledby={headingId}>
        <div className="flex flex-col gap-3 px-5 pt-5 sm:flex-row sm:items-start sm:justify-between sm:px-6">
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <h2
                id={headingId}
                tabIndex={-1}
                className="rounded text-lg font-semibold tracking-tight text-slate-950 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
              >
                {product.name}
              </h2>
              <Badge tone="brand">{product.kind === 'LLM' ? 'LLM' : 'HTTP API'}</Badge>
            </div>
            <p className="mt-0.5 font-mono text-xs text-slate-500">{product.slug}</p>
            {product.description && (
              <p className="mt-2 max-w-2xl text-sm leading-6 text-slate-600">{product.description}</p>
            )}
          </div>
          {shown && <SubscriptionState subscription={shown} timeZone={timeZone} />}
        </div>

        {(current || pending) && (
          <p className="mx-5 mt-4 rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-600 sm:mx-6">
            {current && `Your workspace uses plan ${current.planName}.`}{' '}
            {pending &&
              (current
                ? `Your change to plan ${pending.planName} is waiting for a platform admin; ${current.planName} stays in force until then.`
                : `Your request for plan ${pending.planName} is waiting for a platform admin.`)}{' '}
            <Link
              href={subscriptionsHref}
              className={cx('rounded font-medium text-indigo-700 hover:text-indigo-600', focusRing)}
            >
              See your subscriptions
            </Link>
          </p>
        )}

        <div className="mt-5 border-t border-slate-100 px-5 py-5 sm:px-6">
          {product.kind === 'LLM' ? (
            <ModelPrices product={product} />
          ) : (
            <p className="text-sm text-slate-600">
              Called through the gateway at <code className="font-mono text-[13px]">/apis/{product.slug}/…</code> with
              one of your API keys.
            </p>
          )}
        </div>

        <div className="border-t border-slate-100 bg-slate-50/50 px-5 py-5 sm:px-6">
          <h3 className="text-sm font-semibold text-slate-950">Plans</h3>
          {product.plans.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">No plan is open for requests right now.</p>
          ) : (
            <ul className="mt-3 grid gap-3 md:grid-cols-2">
              {product.plans.map((plan) => (
                <li key={plan.id}>
                  <PlanCard
                    plan={plan}
                    held={plan.id === current?.planId ? 'current' : plan.id === pending?.planId ? 'pending' : null}
                    action={actionFor(plan)}
                  />
                </li>
              ))}
            </ul>
          )}
        </div>
      </section>
    </Card>
  );
}

function SubscriptionState({ subscription, timeZone }: { subscription: SubscriptionResponse; timeZone: string }) {
  const status = subscriptionStatus[subscription.status];
  const live = isLive(subscription.status);
  return (
    <div className="shrink-0 text-sm sm:text-right">
      <p className="flex items-center gap-2 sm:justify-end">
        <span className="text-slate-500">{live ? 'Your access' : 'Last request'}</span>
        <Badge tone={status.tone}>{status.label}</Badge>
      </p>
      {subscription.status === 'APPROVED' && subscription.expiresAt && (
        <p className="mt-1 text-xs text-slate-500">Until {formatDate(subscription.expiresAt, timeZone)}</p>
      )}
      {!live && subscription.reason && (
        <p className="mt-1 max-w-xs text-xs text-slate-500">Reason: {subscription.reason}</p>
      )}
    </div>
  );
}

function ModelPrices({ product }: { product: CatalogProductResponse }) {
  if (product.models.length === 0) {
    return <p className="text-sm text-slate-600">No models are listed yet.</p>;
  }
  const showCached = product.models.some((model) => model.cachedInputPricePer1M !== null);
  return (
    <div className="overflow-x-auto">
      <table className="w-full max-w-3xl text-left text-sm">
        <caption className="pb-2 text-left text-sm font-semibold text-slate-950">
          Models <span className="font-normal text-slate-500">· USD per 1M tokens</span>
        </caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
            <th scope="col" className="py-2 pr-3 sm:pr-4 font-semibold">
              Model
            </th>
            <th scope="col" className="py-2 pr-3 sm:pr-4 text-right font-semibold">
              Input
            </th>
            {showCached && (
              <th scope="col" className="py-2 pr-3 sm:pr-4 text-right font-semibold">
                Cached input
              </th>
            )}
            <th scope="col" className="py-2 text-right font-semibold">
              Output
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {product.models.map((model) => (
            <tr key={model.id}>
              <th scope="row" className="py-2 pr-3 sm:pr-4 font-mono text-[13px] font-medium text-slate-900">
                {model.name}
              </th>
              <td className="py-2 pr-3 sm:pr-4 text-right text-slate-700 tabular-nums">
                {formatPricePer1M(model.inputPricePer1M)}
              </td>
              {showCached && (
                <td className="py-2 pr-3 sm:pr-4 text-right text-slate-700 tabular-nums">
                  {model.cachedInputPricePer1M === null ? 'as input' : formatPricePer1M(model.cachedInputPricePer1M)}
                </td>
              )}
              <td className="py-2 text-right text-slate-700 tabular-nums">
                {formatPricePer1M(model.outputPricePer1M)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PlanCard({
  plan,
  held,
  action,
}: {
  plan: CatalogPlanResponse;
  /** The workspace's approved plan, the plan it asked for (not its plan until approved), or neither. */
  held: 'current' | 'pending' | null;
  action: ReactNode;
}) {
  const current = held === 'current';
  const phrases = limitPhrases(plan.limits);
  const models = allowedModelsText(plan.limits);
  return (
    <div
      className={cx(
        'flex h-full flex-col rounded-xl border bg-white p-4',
        current ? 'border-indigo-300 ring-1 ring-indigo-200' : 'border-slate-200',
      )}
    >
      <div className="flex flex-wrap items-center gap-2">
        <h4 className="font-mono text-sm font-semibold text-slate-950">{plan.name}</h4>
        {current && <Badge tone="brand">Your plan</Badge>}
        {held === 'pending' && <Badge tone="warning">Requested, pending approval</Badge>}
        <Badge tone={plan.autoApprove ? 'success' : 'neutral'} className="ml-auto">
          {plan.autoApprove ? 'Approved automatically' : 'Needs approval'}
        </Badge>
      </div>
      {plan.description && <p className="mt-1.5 text-sm text-slate-600">{plan.description}</p>}
      <ul className="mt-3 flex-1 space-y-1 text-sm text-slate-700" aria-label={`Limits of ${plan.name}`}>
        {phrases.length === 0 ? (
          <li>Unlimited</li>
        ) : (
          phrases.map((phrase) => (
            <li key={phrase.name} className="flex gap-2">
              <span aria-hidden="true" className="mt-2 size-1.5 shrink-0 rounded-full bg-indigo-400" />
              {phrase.text}
            </li>
          ))
        )}
        {models && <li className="text-slate-500">{models}</li>}
      </ul>
      {action && <div className="mt-4">{action}</div>}
    </div>
  );
}
