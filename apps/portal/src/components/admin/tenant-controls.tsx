'use client';

import {
  adminTenantDetailSchema,
  updateAdminTenantRequestSchema,
  type AdminTenantDetailResponse,
} from '@gatehouse/contracts';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button, Card, TextField } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import { ConfirmActionDialog } from '../app/confirm-action-dialog';
import { useApiForm } from '../forms/use-api-form';
import { limitField, parseLimit } from './limit-fields';

const BUDGET_LABEL = 'Tenant-wide monthly budget (USD)';
const LABELS = { monthlyBudgetUsd: BUDGET_LABEL };
// The tenant's budget takes the same amounts as a plan's monthly budget.
const BUDGET_FIELD = limitField('monthlyBudgetUsd');

/**
 * What a platform admin sets on a tenant: its monthly budget across every subscription, and whether its API keys
 * work at all (suspend / reactivate). Both go through admin-api, which tells the gateways after the commit.
 */
export function TenantControls({ tenant }: { tenant: AdminTenantDetailResponse }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <BudgetForm tenant={tenant} />
      <StatusControl tenant={tenant} />
    </div>
  );
}

function BudgetForm({ tenant }: { tenant: AdminTenantDetailResponse }) {
  const router = useRouter();
  const [budget, setBudget] = useState(tenant.monthlyBudgetUsd ?? '');
  const { errors, submitting, formRef, refuse, parse, send, handleSubmit } = useApiForm({ labels: LABELS });

  const submit = async () => {
    const typed = parseLimit(BUDGET_FIELD, budget);
    if ('error' in typed) return refuse({ monthlyBudgetUsd: typed.error });
    const body = parse(updateAdminTenantRequestSchema, { monthlyBudgetUsd: typed.value });
    if (!body) return;
    const result = await send(() =>
      callApi('PATCH', `/admin/tenants/${encodeURIComponent(tenant.id)}`, { body, schema: adminTenantDetailSchema }),
    );
    if (!result.ok) return;
    setBudget(result.data.monthlyBudgetUsd ?? '');
    toast.success(
      result.data.monthlyBudgetUsd === null
        ? `${tenant.name} has no tenant-wide budget now`
        : `Budget of ${tenant.name} set to $${result.data.monthlyBudgetUsd} a month`,
    );
    router.refresh();
  };

  return (
    <Card className="p-5">
      <form
        ref={formRef}
        onSubmit={handleSubmit(submit)}
        noValidate
        className="space-y-4"
        aria-busy={submitting || undefined}
      >
        <h3 className="text-sm font-semibold text-slate-950">Budget</h3>
        <TextField
          label={BUDGET_LABEL}
          name="monthlyBudgetUsd"
          inputMode="decimal"
          autoComplete="off"
          value={budget}
          onChange={(event) => setBudget(event.target.value)}
          placeholder="No tenant-wide cap"
          hint={`Caps the spend of all its subscriptions together, each calendar month in ${tenant.timeZone}. Empty: no cap.`}
          error={errors.monthlyBudgetUsd}
          disabled={submitting}
        />
        {errors.form && <p className="text-sm font-medium text-rose-700">{errors.form}</p>}
        <div className="flex justify-end">
          <Button type="submit" loading={submitting}>
            {submitting ? 'Saving…' : 'Save budget'}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function StatusControl({ tenant }: { tenant: AdminTenantDetailResponse }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const suspended = tenant.status === 'SUSPENDED';
  const action = suspended ? 'reactivate' : 'suspend';

  const confirm = async (): Promise<string | null> => {
    // An empty JSON body: every cookie-authenticated write is sent as JSON.
    const result = await callApi('POST', `/admin/tenants/${encodeURIComponent(tenant.id)}/${action}`, {
      body: {},
      schema: adminTenantDetailSchema,
    });
    return result.ok ? null : result.error.message;
  };

  return (
    <Card className="p-5">
      <h3 className="text-sm font-semibold text-slate-950">Access</h3>
      <p className="mt-1 text-sm text-slate-600">
        {suspended
          ? 'Suspended: the gateway refuses every API key of this tenant. Its members can still sign in and read.'
          : 'Active: its API keys work within their subscriptions. Suspending stops every key within a second.'}
      </p>
      <div className="mt-4 flex justify-end">
        <Button variant={suspended ? 'secondary' : 'danger'} onClick={() => setOpen(true)}>
          {suspended ? 'Reactivate tenant' : 'Suspend tenant'}
        </Button>
      </div>
      <ConfirmActionDialog
        open={open}
        title={suspended ? `Reactivate ${tenant.name}?` : `Suspend ${tenant.name}?`}
        note={
          suspended
            ? 'Its API keys work again within a second, within their subscriptions and limits.'
            : 'Every API key of this tenant is refused (403) within a second. Members can still sign in; nothing is deleted.'
        }
        confirmLabel={suspended ? 'Reactivate' : 'Suspend'}
        busyLabel={suspended ? 'Reactivating…' : 'Suspending…'}
        failureTitle={suspended ? 'The tenant was not reactivated' : 'The tenant was not suspended'}
        onConfirm={confirm}
        onDone={() => {
          setOpen(false);
          toast.success(suspended ? `${tenant.name} is active again` : `${tenant.name} is suspended`);
          router.refresh();
        }}
        onClose={() => setOpen(false)}
      />
    </Card>
  );
}
