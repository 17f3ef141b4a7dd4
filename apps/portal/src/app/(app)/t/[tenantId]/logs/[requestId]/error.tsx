'use client';

import { PageError } from '../../../../../../components/app/page-error';

export default function CallError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError error={error} reset={reset} what="this call" />;
}
