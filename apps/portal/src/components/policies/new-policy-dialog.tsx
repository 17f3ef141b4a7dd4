'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert, Dialog, SelectField, TextField } from '@gatehouse/ui';
import { adminPolicyHref } from '../../lib/api/policy-endpoints';
import { FormFooter } from '../forms/form-footer';
import type { FormErrors } from '../forms/form-errors';
import { useApiForm } from '../forms/use-api-form';
import { PRODUCT_SLUG, TENANT_ID } from './policy-names';

type Scope = 'global' | 'product' | 'tenant';

/**
 * Picks the scope of a new document and opens its page, where the editor starts from a template. Nothing is saved
 * until the admin saves the first version there; a name that already has a document opens that document.
 */
export function NewPolicyDialog({
  open,
  onClose,
  existing,
  productSlugs,
}: {
  open: boolean;
  onClose: () => void;
  existing: string[];
  productSlugs: string[];
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="md"
      title="New policy document"
      description="A document governs every call (global), the calls to one product, or one tenant's calls."
    >
      {open && <NewPolicyForm onClose={onClose} existing={existing} productSlugs={productSlugs} />}
    </Dialog>
  );
}

function NewPolicyForm({
  onClose,
  existing,
  productSlugs,
}: {
  onClose: () => void;
  existing: string[];
  productSlugs: string[];
}) {
  const router = useRouter();
  const [scope, setScope] = useState<Scope>(existing.includes('global') ? 'product' : 'global');
  const [product, setProduct] = useState(productSlugs[0] ?? '');
  const [tenantId, setTenantId] = useState('');
  const { errors, submitting, formRef, refuse, handleSubmit } = useApiForm();

  const submit = () => {
    const problems: FormErrors = {};
    let name = 'global';
    if (scope === 'product') {
      if (!PRODUCT_SLUG.test(product)) problems.product = 'Choose the product.';
      name = `product:${product}`;
    } else if (scope === 'tenant') {
      const id = tenantId.trim().toLowerCase();
      if (!TENANT_ID.test(id)) problems.tenantId = "Enter the tenant's id, as on its page under Tenants.";
      name = `tenant:${id}`;
    }
    if (Object.keys(problems).length > 0) return refuse(problems);
    router.push(adminPolicyHref(name));
  };

  const taken = (name: string) => (existing.includes(name) ? ' (exists: opens it)' : '');

  return (
    <form
      ref={formRef}
      onSubmit={handleSubmit(submit)}
      noValidate
      className="space-y-5"
      aria-busy={submitting || undefined}
    >
      <SelectField label="Scope" name="scope" value={scope} onChange={(event) => setScope(event.target.value as Scope)}>
        <option value="global">Global{taken('global')}</option>
        <option value="product">A product</option>
        <option value="tenant">A tenant</option>
      </SelectField>
      {scope === 'product' &&
        (productSlugs.length === 0 ? (
          <Alert tone="warning" title="No products">
            Create a product in the catalog first.
          </Alert>
        ) : (
          <SelectField
            label="Product"
            name="product"
            value={product}
            onChange={(event) => setProduct(event.target.value)}
            error={errors.product}
          >
            {productSlugs.map((slug) => (
              <option key={slug} value={slug}>
                {slug}
                {taken(`product:${slug}`)}
              </option>
            ))}
          </SelectField>
        ))}
      {scope === 'tenant' && (
        <TextField
          label="Tenant id"
          name="tenantId"
          value={tenantId}
          onChange={(event) => setTenantId(event.target.value)}
          error={errors.tenantId}
          hint="The id in the address of the tenant's page under Tenants, which also links to its document."
          autoComplete="off"
          spellCheck={false}
          autoFocus
        />
      )}
      {errors.form && (
        <Alert tone="danger" title="The document was not opened">
          {errors.form}
        </Alert>
      )}
      <FormFooter submitting={submitting} label="Open the editor" busyLabel="Opening…" onCancel={onClose} />
    </form>
  );
}
