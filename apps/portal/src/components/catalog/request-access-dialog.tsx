'use client';

import { subscriptionSchema, type CatalogPlanResponse, type CreateSubscriptionRequest } from '@gatehouse/contracts';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import { Alert, Badge, Button, Dialog, TextAreaField } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import { fieldErrors, type AdminApiError } from '../../lib/api/errors';
import { FormFooter } from '../forms/form-footer';
import type { FormErrors } from '../forms/form-errors';
import { useApiForm } from '../forms/use-api-form';
import { allowedModelsText, limitPhrases, productHeadingId } from './limit-words';

/** admin-api keeps at most this many characters (createSubscriptionRequestSchema). */
export const JUSTIFICATION_MAX = 2000;
/** Below this, an admin has nothing to decide on; only plans that need approval ask for it. */
export const JUSTIFICATION_MIN = 3;

/** The problem with a justification before it is sent, or undefined when it is fine. */
export function justificationProblem(text: string, required: boolean): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length > JUSTIFICATION_MAX) {
    return `Keep it under ${JUSTIFICATION_MAX + 1} characters (it has ${trimmed.length}).`;
  }
  if (!required) return undefined;
  if (trimmed.length === 0) return 'Tell the platform admins why your team needs this plan.';
  if (trimmed.length < JUSTIFICATION_MIN) return 'Say a little more: the admin who decides reads this.';
  return undefined;
}

/** Maps admin-api's refusal onto the form: a field reason under the text area, anything else above the buttons. */
function serverErrors(error: AdminApiError): FormErrors {
  const reason = fieldErrors(error)['justification'];
  if (reason) return { justification: `Justification ${reason}` };
  // A subscription_exists message names the plan held or waiting, which is what the person needs to know.
  return { form: error.message };
}

/** A request for another plan of a product the workspace holds: it replaces that plan once approved. */
export interface PlanChange {
  fromPlanName: string;
  kind: 'upgrade' | 'downgrade' | 'switch';
}

const CHANGE_VERB: Record<PlanChange['kind'], string> = {
  upgrade: 'Upgrade to',
  downgrade: 'Downgrade to',
  switch: 'Switch to',
};

/**
 * "Request <plan>" (or "Upgrade to <plan>" for a plan change): a button and its dialog. The dialog asks for a justification (required when an admin decides,
 * optional when the plan is approved automatically), posts the request through the /api/v1 proxy and refreshes the
 * server-rendered catalog, which then shows the new subscription's state.
 */
export function RequestAccess({
  tenantId,
  productId,
  productName,
  plan,
  change,
}: {
  tenantId: string;
  productId: string;
  productName: string;
  plan: CatalogPlanResponse;
  change?: PlanChange;
}) {
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useState(false);

  // After a request the product's request buttons disappear with the refresh, this one included. Put keyboard focus
  // on the product's heading instead of losing it to the page. This effect runs after the dialog's own, which hands
  // focus back to the opener as it closes.
  useEffect(() => {
    if (sent && !open) document.getElementById(productHeadingId(productId))?.focus();
  }, [sent, open, productId]);

  return (
    <>
      <Button size="sm" variant={plan.autoApprove ? 'primary' : 'secondary'} onClick={() => setOpen(true)}>
        {change ? CHANGE_VERB[change.kind] : 'Request'} <span className="max-w-48 truncate">{plan.name}</span>
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={change ? `Change your plan of ${productName}` : `Request access to ${productName}`}
        description={
          <>
            Plan <span className="font-medium text-slate-900">{plan.name}</span>
            {change && (
              <>
                {' '}
                instead of <span className="font-medium text-slate-900">{change.fromPlanName}</span>
              </>
            )}
            .{' '}
            {plan.autoApprove
              ? 'This plan is approved automatically: your keys can use it as soon as you send the request.'
              : 'A platform admin reviews each request for this plan; you will get a notification when they decide.'}
            {change &&
              ` It replaces ${change.fromPlanName} at once when approved (your keys keep working throughout), and what you used this period counts toward its limits.`}
          </>
        }
      >
        <RequestForm
          tenantId={tenantId}
          productId={productId}
          productName={productName}
          plan={plan}
          onCancel={() => setOpen(false)}
          onDone={() => {
            setSent(true);
            setOpen(false);
          }}
        />
      </Dialog>
    </>
  );
}

function RequestForm({
  tenantId,
  productId,
  productName,
  plan,
  onCancel,
  onDone,
}: {
  tenantId: string;
  productId: string;
  productName: string;
  plan: CatalogPlanResponse;
  onCancel: () => void;
  onDone: () => void;
}) {
  const router = useRouter();
  const [justification, setJustification] = useState('');
  const { errors, setErrors, submitting, formRef, send, handleSubmit } = useApiForm();
  const required = !plan.autoApprove;

  // Start in the text area. `autoFocus` alone is not enough: the dialog's showModal() runs after this form mounts
  // and moves focus to the dialog's first control, so the text area is focused on the next frame instead.
  useEffect(() => {
    const frame = window.requestAnimationFrame(() => formRef.current?.querySelector('textarea')?.focus());
    return () => window.cancelAnimationFrame(frame);
  }, []);
  const phrases = limitPhrases(plan.limits);
  const models = allowedModelsText(plan.limits);
  const length = justification.trim().length;

  const submit = async () => {
    const problem = justificationProblem(justification, required);
    setErrors(problem ? { justification: problem } : {});
    if (problem) return;

    const trimmed = justification.trim();
    const body: CreateSubscriptionRequest = {
      productId,
      planId: plan.id,
      ...(trimmed && { justification: trimmed }),
    };
    const result = await send(
      () => callApi('POST', tenantPath(tenantId, '/subscriptions'), { body, schema: subscriptionSchema }),
      (error) => {
        // Said in place; the focus stays where the person left it.
        setErrors(serverErrors(error));
        // Someone else in the workspace may have asked first: show the product as it now stands.
        if (error.code === 'subscription_exists') router.refresh();
        return null;
      },
    );
    if (!result.ok) return;

    onDone();
    // The answer's status, not the plan's flag, says what happened: an admin may have changed the plan meanwhile.
    if (result.data.status === 'APPROVED') {
      toast.success(`Access to ${productName} approved`, {
        description: `Plan ${plan.name} was approved automatically. Your keys can call it now.`,
      });
    } else {
      toast.success(`Request for ${productName} sent for approval`, {
        description: 'You will get a notification when a platform admin decides.',
      });
    }
    router.refresh();
  };

  return (
    <form
      ref={formRef}
      onSubmit={handleSubmit(submit)}
      noValidate
      className="space-y-5"
      aria-busy={submitting || undefined}
    >
      <div className="rounded-xl bg-slate-50 p-4 text-sm ring-1 ring-slate-200/70 ring-inset">
        <p className="font-medium text-slate-900">What this plan allows</p>
        {phrases.length === 0 ? (
          <p className="mt-1 text-slate-600">Unlimited: no rate limit, quota or budget.</p>
        ) : (
          <ul className="mt-1 list-disc space-y-0.5 pl-5 text-slate-600">
            {phrases.map((phrase) => (
              <li key={phrase.name}>{phrase.text}</li>
            ))}
          </ul>
        )}
        {models && <p className="mt-2 text-slate-600">{models}</p>}
      </div>

      <TextAreaField
        label={required ? 'Why does your team need it?' : 'Why does your team need it? (optional)'}
        name="justification"
        value={justification}
        onChange={(event) => setJustification(event.target.value)}
        required={required}
        rows={4}
        maxLength={JUSTIFICATION_MAX + 200}
        placeholder="What you will build with it, and the traffic you expect."
        hint={
          <span className="flex justify-between gap-3">
            <span>
              {required ? 'The admin who decides reads this.' : 'Kept with the subscription for your records.'}
            </span>
            <span className={length > JUSTIFICATION_MAX ? 'font-medium text-rose-700' : undefined}>
              {length}/{JUSTIFICATION_MAX}
            </span>
          </span>
        }
        error={errors.justification}
        disabled={submitting}
      />

      {errors.form && (
        <Alert tone="danger" title="The request was not sent">
          {errors.form}
        </Alert>
      )}

      <FormFooter
        submitting={submitting}
        label="Send request"
        busyLabel="Sending…"
        onCancel={onCancel}
        aside={
          plan.autoApprove && (
            <Badge tone="success" className="self-start sm:mr-auto sm:self-center">
              Approved automatically
            </Badge>
          )
        }
      />
    </form>
  );
}
