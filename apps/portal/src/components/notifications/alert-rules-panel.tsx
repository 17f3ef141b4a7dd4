'use client';

import {
  alertRuleSchema,
  MAX_ALERT_THRESHOLD_PERCENT,
  MAX_ALERT_THRESHOLDS,
  type AlertRuleResponse,
  type PutAlertRuleRequest,
} from '@gatehouse/contracts';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { toast } from 'sonner';
import { Alert, Button, Card, TextField } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import { fieldErrors, type AdminApiError } from '../../lib/api/errors';
import type { FormErrors } from '../forms/form-errors';
import { useApiForm } from '../forms/use-api-form';

/** "50 %, 80 % and 100 %". */
export function thresholdsText(thresholds: readonly number[]): string {
  const parts = thresholds.map((threshold) => `${threshold} %`);
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * Reads "50, 80, 100" (commas, spaces or semicolons between) into ascending whole percentages, or says what is
 * wrong with it in the words of the form. The rules are admin-api's (alertThresholdsSchema): 1 to 10 distinct
 * whole numbers from 1 to 1000; checking them here answers at once instead of after a round trip.
 */
export function parseThresholds(text: string): { thresholds: number[] } | { error: string } {
  const parts = text.split(/[\s,;]+/).filter((part) => part.length > 0);
  if (parts.length === 0) {
    return { error: 'List at least one percentage, such as 80. To stop the alerts, untick “Send budget alerts”.' };
  }
  const thresholds: number[] = [];
  for (const part of parts) {
    const cleaned = part.replace(/%$/, '');
    if (!/^\d+$/.test(cleaned)) return { error: `“${part}” is not a whole number of percent.` };
    const value = Number(cleaned);
    if (value < 1 || value > MAX_ALERT_THRESHOLD_PERCENT) {
      return { error: `${value} is out of range: use percentages from 1 to ${MAX_ALERT_THRESHOLD_PERCENT}.` };
    }
    if (thresholds.includes(value)) return { error: `${value} is listed twice.` };
    thresholds.push(value);
  }
  if (thresholds.length > MAX_ALERT_THRESHOLDS) {
    return { error: `List at most ${MAX_ALERT_THRESHOLDS} percentages (there are ${thresholds.length}).` };
  }
  return { thresholds: thresholds.sort((a, b) => a - b) };
}

function serverErrors(error: AdminApiError): FormErrors {
  const byField = fieldErrors(error);
  const thresholdReason = Object.entries(byField).find(([field]) => field.startsWith('thresholds'))?.[1];
  if (thresholdReason) return { thresholds: `Thresholds: ${thresholdReason}` };
  return { form: error.message };
}

export interface AlertRulesPanelProps {
  tenantId: string;
  /** The tenant-wide rule, or the defaults admin-api answers before there is one; null when it could not be read. */
  rule: AlertRuleResponse | null;
  /** Subscriptions with a rule of their own, which this rule does not cover. */
  subscriptionRules: number;
  /** Owners change the rule; everyone else sees what it is. */
  canEdit: boolean;
}

/**
 * The tenant-wide budget alert rule: at which shares of the tenant's budget, and of each subscription's budget and
 * quotas, a notification (and a webhook call, when one is set) goes out. A PUT replaces both settings, so the
 * form always sends both.
 */
export function AlertRulesPanel({ tenantId, rule, subscriptionRules, canEdit }: AlertRulesPanelProps) {
  const headingId = useId();
  return (
    <Card className="p-5 sm:p-6">
      <section aria-labelledby={headingId}>
        <h2 id={headingId} className="text-base font-semibold text-slate-950">
          Budget alerts
        </h2>
        <p className="mt-1 text-sm leading-6 text-slate-600">
          A notification when spend or use reaches a share of the workspace&apos;s monthly budget, or of a
          subscription&apos;s budget and quotas.
        </p>
        {rule === null ? (
          <Alert tone="warning" title="The alert settings could not be loaded" className="mt-4">
            Reload the page in a moment.
          </Alert>
        ) : canEdit ? (
          <AlertRuleForm tenantId={tenantId} rule={rule} />
        ) : (
          <p className="mt-4 text-sm text-slate-700">
            {rule.enabled ? (
              <>
                Alerts at <span className="font-medium text-slate-950">{thresholdsText(rule.thresholds)}</span>.
              </>
            ) : (
              'Budget alerts are off for this workspace.'
            )}{' '}
            Owners can change this.
          </p>
        )}
        {rule !== null && (
          <p className="mt-4 text-xs leading-5 text-slate-500">
            {rule.hasWebhook
              ? 'Alerts also go to the workspace webhook.'
              : 'Alerts appear on this page; no webhook is set for them.'}
            {subscriptionRules > 0 &&
              ` ${subscriptionRules} ${subscriptionRules === 1 ? 'subscription has' : 'subscriptions have'} a rule of ${subscriptionRules === 1 ? 'its' : 'their'} own.`}
          </p>
        )}
      </section>
    </Card>
  );
}

function AlertRuleForm({ tenantId, rule }: { tenantId: string; rule: AlertRuleResponse }) {
  const router = useRouter();
  const [enabled, setEnabled] = useState(rule.enabled);
  const [text, setText] = useState(rule.thresholds.join(', '));
  const { errors, setErrors, submitting, send, handleSubmit } = useApiForm();
  const checkboxId = useId();

  const submit = async () => {
    const parsed = parseThresholds(text);
    if ('error' in parsed) {
      setErrors({ thresholds: parsed.error });
      return;
    }
    const body: PutAlertRuleRequest = { thresholds: parsed.thresholds, enabled };
    const result = await send(
      () => callApi('PUT', tenantPath(tenantId, '/alert-rules/tenant'), { body, schema: alertRuleSchema }),
      serverErrors,
    );
    if (!result.ok) return;
    setText(result.data.thresholds.join(', '));
    toast.success('Budget alerts saved', {
      description: result.data.enabled
        ? `You will be notified at ${thresholdsText(result.data.thresholds)}.`
        : 'Budget alerts are off; the thresholds are kept for when you turn them on.',
    });
    router.refresh();
  };

  return (
    <form onSubmit={handleSubmit(submit)} noValidate className="mt-5 space-y-5" aria-busy={submitting || undefined}>
      <div className="flex items-start gap-3">
        <input
          id={checkboxId}
          type="checkbox"
          name="enabled"
          checked={enabled}
          onChange={(event) => setEnabled(event.target.checked)}
          disabled={submitting}
          className="mt-0.5 size-4 rounded accent-indigo-600"
        />
        <label htmlFor={checkboxId} className="text-sm">
          <span className="block font-medium text-slate-900">Send budget alerts</span>
          <span className="block text-slate-600">Untick to pause them without losing the thresholds.</span>
        </label>
      </div>
      <TextField
        label="Thresholds (percent)"
        name="thresholds"
        value={text}
        onChange={(event) => setText(event.target.value)}
        autoComplete="off"
        placeholder="50, 80, 100"
        hint={`Up to ${MAX_ALERT_THRESHOLDS} whole numbers from 1 to ${MAX_ALERT_THRESHOLD_PERCENT}, separated by commas. Above 100 warns of overage.`}
        error={errors.thresholds}
        disabled={submitting}
      />
      {errors.form && (
        <Alert tone="danger" title="The alert settings were not saved">
          {errors.form}
        </Alert>
      )}
      <Button type="submit" loading={submitting} fullWidth>
        {submitting ? 'Saving…' : 'Save alert settings'}
      </Button>
    </form>
  );
}
