'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button, Card } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import { ConfirmActionDialog } from '../app/confirm-action-dialog';

/** Ends every session of the account, on every device, this one included. */
export function SignOutEverywhere() {
  const router = useRouter();
  const [open, setOpen] = useState(false);

  const signOutEverywhere = async (): Promise<string | null> => {
    // An empty JSON body: every cookie-authenticated write is sent as JSON.
    const result = await callApi('POST', '/auth/sessions/revoke-all', { body: {} });
    return result.ok ? null : result.error.message;
  };

  return (
    <Card className="p-6">
      <h2 className="text-base font-semibold text-slate-950">Sessions</h2>
      <p className="mt-1 text-sm text-slate-600">
        Signed in on a shared or lost device? Sign out everywhere: every session of your account ends, this one
        included.
      </p>
      <Button variant="secondary" className="mt-5" onClick={() => setOpen(true)}>
        Sign out everywhere
      </Button>
      <ConfirmActionDialog
        open={open}
        title="Sign out everywhere?"
        note="Every browser and script signed in with your account is signed out, this one included. API keys keep working."
        confirmLabel="Sign out everywhere"
        busyLabel="Signing out…"
        failureTitle="You are still signed in"
        onConfirm={signOutEverywhere}
        onDone={() => {
          router.replace('/login');
          router.refresh();
        }}
        onClose={() => setOpen(false)}
      />
    </Card>
  );
}
