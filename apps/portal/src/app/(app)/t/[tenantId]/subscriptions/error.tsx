'use client';

import { PageError } from '../../../../../components/app/page-error';

export default function SubscriptionsError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <PageError error={error} reset={reset} what="your subscriptions" />;
}
