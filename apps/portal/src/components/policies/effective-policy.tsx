import type { EffectivePolicyResponse } from '@gatehouse/contracts';
import Form from 'next/form';
import {
  Alert,
  Badge,
  Button,
  SelectField,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@gatehouse/ui';

/** A rule's settings as one line, in YAML's flow style: `models: [demo-embed]`. */
function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value)
      .map(([key, entry]) => `${key}: ${flow(entry)}`)
      .join(', ')} }`;
  }
  return String(value);
}

/**
 * The rules a tenant's calls must pass, from every document that governs them, for one product or for every
 * product (the global and tenant documents only). The product is chosen in the address (`?product=<slug>`), with a
 * plain GET form, so a view can be shared and works before any script loads.
 */
export function EffectivePolicy({
  action,
  products,
  product,
  result,
}: {
  /** This page's path, where the product form goes. */
  action: string;
  products: { slug: string; name: string }[];
  product: string | undefined;
  result: { ok: true; policy: EffectivePolicyResponse } | { ok: false; message: string };
}) {
  return (
    <div className="space-y-4">
      <Form action={action} className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <SelectField label="Product" name="product" defaultValue={product ?? ''} className="sm:w-72">
          <option value="">Every product (global and tenant documents)</option>
          {products.map((entry) => (
            <option key={entry.slug} value={entry.slug}>
              {entry.name} ({entry.slug})
            </option>
          ))}
        </SelectField>
        <Button type="submit" variant="secondary">
          Show
        </Button>
      </Form>

      {!result.ok ? (
        <Alert tone="danger" title="The effective policy could not be read">
          {result.message}
        </Alert>
      ) : (
        <>
          <p className="text-sm text-slate-600">
            From{' '}
            {result.policy.sources.map((source, index) => (
              <span key={source.policy}>
                {index > 0 && ', '}
                <code className="font-mono text-xs">{source.policy}</code>
                {source.version === null ? ' (no version)' : ` version ${source.version}`}
              </span>
            ))}
            {result.policy.sources.length === 0 && 'no document'}. A call must pass every rule, in this order.
          </p>
          {result.policy.rules.length === 0 ? (
            <p className="text-sm text-slate-600">No rule applies: calls are decided by their subscriptions alone.</p>
          ) : (
            <Table caption={`Effective rules${result.policy.product ? ` for ${result.policy.product}` : ''}`}>
              <TableHead>
                <tr>
                  <TableHeaderCell>Rule</TableHeaderCell>
                  <TableHeaderCell className="hidden sm:table-cell">From</TableHeaderCell>
                  <TableHeaderCell>Mode</TableHeaderCell>
                  <TableHeaderCell>Settings</TableHeaderCell>
                </tr>
              </TableHead>
              <TableBody>
                {result.policy.rules.map((rule, index) => (
                  <TableRow key={index}>
                    <TableCell className="align-top">
                      <code className="block font-mono text-xs text-slate-900">{rule.rule}</code>
                      <span className="block text-xs text-slate-500 sm:hidden">{rule.policy}</span>
                    </TableCell>
                    <TableCell className="hidden align-top sm:table-cell">
                      <code className="font-mono text-xs break-all">{rule.policy}</code>
                      {rule.version !== null && <span className="text-xs text-slate-500"> v{rule.version}</span>}
                    </TableCell>
                    <TableCell className="align-top">
                      <Badge tone={rule.mode === 'enforce' ? 'brand' : 'warning'}>{rule.mode}</Badge>
                    </TableCell>
                    <TableCell className="max-w-96 align-top font-mono text-xs break-words">
                      {Object.entries(rule.settings).map(([key, value]) => (
                        <span key={key} className="block">
                          {key}: {flow(value)}
                        </span>
                      ))}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </>
      )}
    </div>
  );
}
