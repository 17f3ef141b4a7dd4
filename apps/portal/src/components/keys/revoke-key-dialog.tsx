'use client';

import { callApi, tenantPath } from '../../lib/api/client';
import { ConfirmActionDialog } from '../app/confirm-action-dialog';
import type { KeyRow } from './types';

/** Revoking cannot be undone, so it is confirmed first. */
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
  return (
    <ConfirmActionDialog
      open={apiKey !== null}
      title="Revoke this key?"
      description={
        apiKey ? (
          <>
            <span className="font-medium text-slate-900">{apiKey.name}</span> ({apiKey.prefix}…{apiKey.last4}) and any
            secret still in its rotation grace period stop working within seconds. This cannot be undone.
          </>
        ) : undefined
      }
      note={
        <>
          Services still using it will get <code className="font-mono text-[13px]">401 invalid_api_key</code>. Create a
          new key first if something depends on this one.
        </>
      }
      confirmLabel="Revoke key"
      busyLabel="Revoking…"
      failureTitle="The key was not revoked"
      onConfirm={async () => {
        if (!apiKey) return null;
        const result = await callApi('DELETE', tenantPath(tenantId, `/keys/${encodeURIComponent(apiKey.id)}`));
        return result.ok ? null : result.error.message;
      }}
      onDone={() => apiKey && onRevoked(apiKey)}
      onClose={onClose}
    />
  );
}
