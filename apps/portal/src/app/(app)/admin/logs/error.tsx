'use client';

import { PageError } from '../../../../components/app/page-error';

export default function LogsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError error={error} reset={reset} what="the call log" />;
}
