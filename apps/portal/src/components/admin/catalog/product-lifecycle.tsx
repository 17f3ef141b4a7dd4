'use client';

import { adminProductSchema, type AdminProductResponse } from '@gatehouse/contracts';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { Alert, Badge, Button, Dialog, type BadgeTone } from '@gatehouse/ui';
import { callApi } from '../../../lib/api/client';
import { FormFooter } from '../../forms/form-footer';
import { useApiForm } from '../../forms/use-api-form';

export const STATUS_LABELS: Record<AdminProductResponse['status'], { text: string; tone: BadgeTone }> = {
  DRAFT: { text: 'Draft', tone: 'neutral' },
  PUBLISHED: { text: 'Published', tone: 'success' },
  RETIRED: { text: 'Retired', tone: 'danger' },
};

export function ProductStatusBadge({ status }: { status: AdminProductResponse['status'] }) {
  return <Badge tone={STATUS_LABELS[status].tone}>{STATUS_LABELS[status].text}</Badge>;
}

type Step = 'publish' | 'retire';

const COPY: Record<Step, { title: string; body: string; confirm: string; busy: string; done: string }> = {
  publish: {
    title: 'Publish this product?',
    body: 'Every tenant sees it in the catalog and can request access to its plans. A published product cannot go back to draft, and its model aliases can no longer be renamed.',
    confirm: 'Publish',
    busy: 'Publishing…',
    done: 'is in the catalog',
  },
  retire: {
    title: 'Retire this product?',
    body: 'It leaves the catalog: nobody can request it any more. This cannot be undone.',
    confirm: 'Retire',
    busy: 'Retiring…',
    done: 'is retired',
  },
};

/** Publish (from draft) or retire (from published), each after a confirmation; the lifecycle runs one way. */
export function ProductLifecycle({ product, size = 'md' }: { product: AdminProductResponse; size?: 'sm' | 'md' }) {
  const router = useRouter();
  const [step, setStep] = useState<Step | null>(null);
  const { errors, setErrors, submitting, send } = useApiForm();

  const available: Step | null =
    product.status === 'DRAFT' ? 'publish' : product.status === 'PUBLISHED' ? 'retire' : null;
  if (!available) return null;

  const close = () => {
    if (submitting) return;
    setStep(null);
    setErrors({});
  };

  const confirm = async (action: Step) => {
    const result = await send(
      () =>
        callApi('POST', `/admin/products/${encodeURIComponent(product.id)}/${action}`, { schema: adminProductSchema }),
      // 409s (no model yet, already moved on elsewhere) carry admin-api's own explanation.
      (error) => ({ form: error.message }),
    );
    if (!result.ok) return;
    toast.success(`${product.name} ${COPY[action].done}`);
    setStep(null);
    router.refresh();
  };

  const copy = COPY[available];
  return (
    <>
      <Button
        variant={available === 'retire' ? 'secondary' : 'primary'}
        size={size}
        onClick={() => setStep(available)}
        aria-label={`${copy.confirm} ${product.name}`}
      >
        {copy.confirm}
      </Button>
      <Dialog
        open={step !== null}
        onClose={close}
        size="sm"
        title={copy.title}
        description={
          <>
            <span className="font-medium text-slate-900">{product.name}</span>: {copy.body}
          </>
        }
        footer={
          <FormFooter
            inDialogFooter
            submitting={submitting}
            label={`${copy.confirm} ${product.name}`}
            busyLabel={copy.busy}
            onCancel={close}
            onConfirm={() => void confirm(available)}
            variant={available === 'retire' ? 'danger' : 'primary'}
            autoFocus
          />
        }
      >
        {errors.form ? (
          <Alert tone="danger" title={`${product.name} was not changed`}>
            {errors.form}
          </Alert>
        ) : undefined}
      </Dialog>
    </>
  );
}
