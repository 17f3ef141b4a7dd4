'use client';

import { useState } from 'react';
import { Alert, Button, Dialog } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import type { KeyRow } from './types';

/** Revoking cannot be undone, so it is confirmed in a dialog whose safe choice (Cancel) comes first. */
export function RevokeKeyDialog({
  apiKey,
  onClose,
  onRevoked,
  tenantId,
}: {
  apiKey: KeyRow | null;
  onClose: () => void;
  onRevoked: (apiKey: KeyRow) => void;
  tenantId: string;
}) {
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const close = () => {
    setError(null);
    onClose();
  };

  const revoke = async () => {
    if (!apiKey) return;
    setSubmitting(true);
    setError(null);
    const result = await callApi('DELETE', tenantPath(tenantId, `/keys/${encodeURIComponent(apiKey.id)}`));
    setSubmitting(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    onRevoked(apiKey);
  };

  return (
    <Dialog
      open={apiKey !== null}
      onClose={close}
      size="sm"
      title="Revoke this key?"
      description={
        apiKey ? (
          <>
            <span className="font-medium text-slate-900">{apiKey.name}</span> ({apiKey.prefix}…{apiKey.last4}) and any
            secret still in its rotation grace period stop working within seconds. This cannot be undone.
          </>
        ) : undefined
      }
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={submitting}>
            Cancel
          </Button>
          <Button variant="danger" onClick={() => void revoke()} loading={submitting}>
            {submitting ? 'Revoking…' : 'Revoke key'}
          </Button>
        </>
      }
    >
      {error ? (
        <Alert tone="danger" title="The key was not revoked">
          {error}
        </Alert>
      ) : (
        <p className="text-sm leading-6 text-slate-600">
          Services still using it will get <code className="font-mono text-[13px]">401 invalid_api_key</code>. Create a
          new key first if something depends on this one.
        </p>
      )}
    </Dialog>
  );
}
