'use client';

import type { AdminProductResponse, PlanResponse } from '@gatehouse/contracts';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { Badge, Button, Card, EmptyState } from '@gatehouse/ui';
import { Icon } from '../../icons';
import { LimitsList } from '../limits';
import { PlanDialog } from './plan-dialog';

type Panel = { kind: 'none' } | { kind: 'create' } | { kind: 'edit'; plan: PlanResponse };

/** The product's plans with their limits; create a plan and edit one's limits and auto-approval. */
export function PlansSection({
  product,
  plans,
  hasMore,
}: {
  product: AdminProductResponse;
  plans: PlanResponse[];
  hasMore: boolean;
}) {
  const router = useRouter();
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const close = () => setPanel({ kind: 'none' });
  const editable = product.status !== 'RETIRED';

  const saved = (plan: PlanResponse, created: boolean) => {
    toast.success(created ? `Created plan ${plan.name}` : `Saved plan ${plan.name}`, {
      description: created ? undefined : 'Gateways apply the new limits within seconds.',
    });
    close();
    router.refresh();
  };

  return (
    <section aria-labelledby="plans-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="plans-heading" className="text-lg font-semibold text-slate-950">
            Plans
          </h2>
          <p className="text-sm text-slate-600">What tenants request, each with its limits.</p>
        </div>
        {editable && (
          <Button variant="secondary" onClick={() => setPanel({ kind: 'create' })}>
            <Icon name="plus" className="size-4" />
            Create plan
          </Button>
        )}
      </div>

      {plans.length === 0 ? (
        <EmptyState
          icon={<Icon name="sliders" className="size-6" />}
          title="No plans yet"
          description="Tenants can only request a product through one of its plans."
        />
      ) : (
        <ul className="grid gap-4 lg:grid-cols-2">
          {plans.map((plan) => (
            <li key={plan.id}>
              <Card className="h-full p-5">
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div className="min-w-0">
                    <h3 className="truncate font-mono text-base font-semibold text-slate-950">{plan.name}</h3>
                    {plan.description && <p className="mt-0.5 text-sm text-slate-600">{plan.description}</p>}
                    <div className="mt-2 flex flex-wrap gap-2">
                      {plan.status === 'RETIRED' && <Badge tone="danger">Retired</Badge>}
                      <Badge tone={plan.autoApprove ? 'success' : 'neutral'}>
                        {plan.autoApprove ? 'Auto-approved' : 'Needs approval'}
                      </Badge>
                    </div>
                  </div>
                  {editable && plan.status === 'ACTIVE' && (
                    <Button
                      variant="secondary"
                      size="sm"
                      onClick={() => setPanel({ kind: 'edit', plan })}
                      aria-label={`Edit plan ${plan.name}`}
                    >
                      Edit
                    </Button>
                  )}
                </div>
                <LimitsList limits={plan.limits} className="mt-4" />
              </Card>
            </li>
          ))}
        </ul>
      )}
      {hasMore && <p className="text-sm text-slate-600">Only the first {plans.length} plans are shown.</p>}

      <PlanDialog
        open={panel.kind !== 'none'}
        product={product}
        plan={panel.kind === 'edit' ? panel.plan : null}
        onClose={close}
        onSaved={saved}
      />
    </section>
  );
}
