'use client';

import { putWebhookRequestSchema, webhookSchema, type WebhookResponse } from '@gatehouse/contracts';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { Alert, Button, Card, CodeBlock, TextField } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import { ConfirmActionDialog } from '../app/confirm-action-dialog';
import { useApiForm } from '../forms/use-api-form';

const LABELS = { url: 'Webhook URL' };

/**
 * The tenant's webhook (owners): where subscription decisions and budget alerts are posted, signed with a secret that
 * admin-api generates and answers once. Saving a URL, or rotating, shows the new secret here until the page is left;
 * turning it off removes the URL and secret.
 */
export function WebhookPanel({ tenantId, webhook }: { tenantId: string; webhook: WebhookResponse | null }) {
  const router = useRouter();
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmingOff, setConfirmingOff] = useState(false);
  // A URL admin-api refuses (not http(s), or a private address where that is not allowed) is the URL's problem.
  const { errors, submitting, formRef, parse, send, handleSubmit } = useApiForm({
    labels: LABELS,
    conflicts: (error) => ({ invalid_webhook_url: { field: 'url', message: error.message } }),
  });

  const save = async (target: string, rotating: boolean) => {
    const body = parse(putWebhookRequestSchema, { url: target.trim() });
    if (!body) return;
    setSecret(null);
    const result = await send(() => callApi('PUT', tenantPath(tenantId, '/webhook'), { body, schema: webhookSchema }));
    if (!result.ok) return;
    setUrl(result.data.url);
    setSecret(result.data.secret ?? null);
    toast.success(rotating ? 'Webhook secret rotated' : 'Webhook saved');
    router.refresh();
  };

  const turnOff = async (): Promise<string | null> => {
    // An empty JSON body: every cookie-authenticated write is sent as JSON.
    const result = await callApi('DELETE', tenantPath(tenantId, '/webhook'), { body: {} });
    return result.ok ? null : result.error.message;
  };

  return (
    <Card className="p-5">
      <form
        ref={formRef}
        onSubmit={handleSubmit(() => save(url, false))}
        noValidate
        className="space-y-4"
        aria-busy={submitting || undefined}
      >
        <div>
          <h2 className="text-base font-semibold text-slate-950">Webhook</h2>
          <p className="mt-1 text-sm text-slate-600">
            Access decisions and budget alerts are posted here as JSON, signed in{' '}
            <code className="font-mono text-xs">x-gatehouse-signature</code>.
          </p>
        </div>
        <TextField
          label={LABELS.url}
          name="url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          placeholder="https://example.com/hooks/gatehouse"
          error={errors.url}
          disabled={submitting}
        />
        {errors.form && <p className="text-sm font-medium text-rose-700">{errors.form}</p>}
        {secret && (
          <Alert tone="success" title="Copy the signing secret now">
            <p>It is shown once. Verify each delivery’s signature with it.</p>
            <CodeBlock className="mt-2" code={secret} title="Webhook signing secret" />
          </Alert>
        )}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          {webhook && (
            <>
              <Button variant="secondary" onClick={() => setConfirmingOff(true)} disabled={submitting}>
                Turn off
              </Button>
              <Button variant="secondary" onClick={() => void save(webhook.url, true)} disabled={submitting}>
                Rotate secret
              </Button>
            </>
          )}
          <Button type="submit" loading={submitting}>
            {submitting ? 'Saving…' : 'Save webhook'}
          </Button>
        </div>
      </form>
      <ConfirmActionDialog
        open={confirmingOff}
        title="Turn the webhook off?"
        note="Nothing more is posted to it. In-app notifications continue; set a URL again to turn it back on."
        confirmLabel="Turn off"
        busyLabel="Turning off…"
        failureTitle="The webhook is still on"
        onConfirm={turnOff}
        onDone={() => {
          setConfirmingOff(false);
          setUrl('');
          setSecret(null);
          toast.success('Webhook turned off');
          router.refresh();
        }}
        onClose={() => setConfirmingOff(false)}
      />
    </Card>
  );
}
