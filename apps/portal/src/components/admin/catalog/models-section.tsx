'use client';

import type { AdminModelResponse, AdminProductResponse, ProviderResponse } from '@gatehouse/contracts';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button, EmptyState, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@gatehouse/ui';
import { formatDate } from '../../../lib/format';
import { Icon } from '../../icons';
import { AddModelDialog, PriceDialog, PriceHistoryDialog } from './model-dialogs';

type Panel =
  | { kind: 'none' }
  | { kind: 'add' }
  | { kind: 'price'; model: AdminModelResponse }
  | { kind: 'history'; model: AdminModelResponse };

const usd = (value: string | null) => (value === null ? '—' : `$${value}`);

/** An LLM product's models: targets, the price in force, and the actions on them. */
export function ModelsSection({
  product,
  providers,
}: {
  product: AdminProductResponse;
  providers: ProviderResponse[];
}) {
  const router = useRouter();
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const close = () => setPanel({ kind: 'none' });
  const providerName = new Map(providers.map((provider) => [provider.id, provider.name]));
  const llmProviders = providers.filter((provider) => provider.type !== 'http');
  const editable = product.status !== 'RETIRED';

  const added = (model: AdminModelResponse) => {
    toast.success(`Added ${model.name}`);
    close();
    router.refresh();
  };
  const repriced = (model: AdminModelResponse) => {
    toast.success(`New price for ${model.name}`, { description: 'Earlier usage keeps the price it was charged at.' });
    close();
    router.refresh();
  };

  return (
    <section aria-labelledby="models-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="models-heading" className="text-lg font-semibold text-slate-950">
            Models
          </h2>
          <p className="text-sm text-slate-600">Prices are USD per 1M tokens, of the version in force now.</p>
        </div>
        {editable && (
          <Button variant="secondary" onClick={() => setPanel({ kind: 'add' })}>
            <Icon name="plus" className="size-4" />
            Add model
          </Button>
        )}
      </div>

      {product.models.length === 0 ? (
        <EmptyState
          icon={<Icon name="route" className="size-6" />}
          title="No models yet"
          description="An LLM product needs at least one model, with a price, before it can be published."
        />
      ) : (
        <Table caption={`Models of ${product.name}`}>
          <TableHead>
            <tr>
              <TableHeaderCell>Alias</TableHeaderCell>
              <TableHeaderCell className="hidden md:table-cell">Targets</TableHeaderCell>
              <TableHeaderCell className="text-right">Input / output</TableHeaderCell>
              <TableHeaderCell className="hidden text-right sm:table-cell">Cached input</TableHeaderCell>
              <TableHeaderCell>
                <span className="sr-only">Actions</span>
              </TableHeaderCell>
            </tr>
          </TableHead>
          <TableBody>
            {product.models.map((model) => (
              <TableRow key={model.id}>
                <TableCell className="max-w-56">
                  <span className="block truncate font-mono text-sm font-medium text-slate-900">{model.name}</span>
                  {model.priceEffectiveFrom && (
                    <span className="block text-xs text-slate-500">
                      Price since {formatDate(model.priceEffectiveFrom, 'UTC')}
                    </span>
                  )}
                </TableCell>
                <TableCell className="hidden md:table-cell">
                  <ul className="space-y-0.5 text-xs">
                    {model.targets.map((target) => (
                      <li key={target.id} className={target.enabled ? undefined : 'text-slate-400 line-through'}>
                        <span className="font-medium">{providerName.get(target.providerId) ?? 'unknown provider'}</span>
                        {' → '}
                        <span className="font-mono">{target.upstreamModel}</span>
                        <span className="text-slate-500">
                          {' '}
                          (priority {target.priority}, weight {target.weight})
                        </span>
                      </li>
                    ))}
                  </ul>
                </TableCell>
                <TableCell className="text-right whitespace-nowrap tabular-nums">
                  {usd(model.inputPricePer1M)} / {usd(model.outputPricePer1M)}
                </TableCell>
                <TableCell className="hidden text-right tabular-nums sm:table-cell">
                  {model.cachedInputPricePer1M === null ? 'as input' : usd(model.cachedInputPricePer1M)}
                </TableCell>
                <TableCell>
                  <div className="flex justify-end gap-2">
                    {editable && (
                      <Button
                        variant="secondary"
                        size="sm"
                        onClick={() => setPanel({ kind: 'price', model })}
                        aria-label={`Change the price of ${model.name}`}
                      >
                        Change price
                      </Button>
                    )}
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => setPanel({ kind: 'history', model })}
                      aria-label={`Price history of ${model.name}`}
                    >
                      History
                    </Button>
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      <AddModelDialog
        open={panel.kind === 'add'}
        product={product}
        providers={llmProviders}
        onClose={close}
        onSaved={added}
      />
      <PriceDialog
        productId={product.id}
        model={panel.kind === 'price' ? panel.model : null}
        onClose={close}
        onSaved={repriced}
      />
      <PriceHistoryDialog
        productId={product.id}
        model={panel.kind === 'history' ? panel.model : null}
        onClose={close}
      />
    </section>
  );
}
