'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useTransition } from 'react';
import { Button, EmptyState } from '@gatehouse/ui';
import { Icon } from '../icons';

/**
 * The body of every `error.tsx` of the signed-in app. In production Next hides a server error's message from the
 * browser (it may hold internals), so this says what is likely and offers a retry; the digest ties the report to
 * the server log.
 */
export function PageError({
  error,
  reset,
  what,
}: {
  error: Error & { digest?: string };
  reset: () => void;
  what: string;
}) {
  const router = useRouter();
  const [retrying, startTransition] = useTransition();

  useEffect(() => {
    console.error(error);
  }, [error]);

  // A server component error is only retried by fetching the page again; reset() alone would re-render the same
  // failed payload.
  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });

  return (
    <EmptyState
      className="border-solid"
      icon={<Icon name="alert" className="size-6" />}
      title={`We could not load ${what}`}
      description={
        <>
          The Gatehouse control plane did not answer as expected. It may be restarting; try again in a moment.
          {error.digest && (
            <span className="mt-2 block font-mono text-xs text-slate-500">Reference: {error.digest}</span>
          )}
        </>
      }
      actions={
        <Button onClick={retry} loading={retrying}>
          Try again
        </Button>
      }
    />
  );
}
