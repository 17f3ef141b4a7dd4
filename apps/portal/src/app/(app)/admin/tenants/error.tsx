'use client';

import { PageError } from '../../../../components/app/page-error';

export default function TenantsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError error={error} reset={reset} what="the tenants" />;
}
