'use client';

import type { ProviderResponse } from '@gatehouse/contracts';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import {
  Badge,
  Button,
  EmptyState,
  PageHeader,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@gatehouse/ui';
import { Icon } from '../../icons';
import { PROVIDER_TYPE_LABELS, ProviderDialog } from './provider-dialog';

type Panel = { kind: 'none' } | { kind: 'create' } | { kind: 'edit'; provider: ProviderResponse };

/** The providers page: every upstream with whether a credential is set (never the credential), add and edit. */
export function ProviderManager({ providers, hasMore }: { providers: ProviderResponse[]; hasMore: boolean }) {
  const router = useRouter();
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const close = () => setPanel({ kind: 'none' });

  const saved = (provider: ProviderResponse, created: boolean) => {
    toast.success(created ? `Added ${provider.name}` : `Saved ${provider.name}`, {
      description: 'Gateways pick up the change within seconds.',
    });
    close();
    router.refresh();
  };

  return (
    <div className="space-y-8">
      <PageHeader
        title="Providers"
        description="The upstreams the gateway forwards to: LLM APIs for models, HTTP origins for HTTP products."
        actions={
          <Button onClick={() => setPanel({ kind: 'create' })}>
            <Icon name="plus" className="size-4" />
            Add provider
          </Button>
        }
      />

      {providers.length === 0 ? (
        <EmptyState
          icon={<Icon name="server" className="size-6" />}
          title="No providers yet"
          description="Add a provider before creating models or HTTP products: every model target names one."
        />
      ) : (
        <Table caption="Providers">
          <TableHead>
            <tr>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell className="hidden sm:table-cell">Type</TableHeaderCell>
              <TableHeaderCell className="hidden md:table-cell">Base URL</TableHeaderCell>
              <TableHeaderCell className="hidden lg:table-cell">Region</TableHeaderCell>
              <TableHeaderCell>Credential</TableHeaderCell>
              <TableHeaderCell>
                <span className="sr-only">Actions</span>
              </TableHeaderCell>
            </tr>
          </TableHead>
          <TableBody>
            {providers.map((provider) => (
              <TableRow key={provider.id}>
                <TableCell className="max-w-64">
                  <span className="block truncate font-medium text-slate-900">{provider.name}</span>
                  <span className="block truncate text-xs text-slate-500 sm:hidden">
                    {PROVIDER_TYPE_LABELS[provider.type]}
                  </span>
                  <span className="block truncate text-xs text-slate-500 md:hidden">{provider.baseUrl}</span>
                  {!provider.enabled && (
                    <Badge tone="neutral" className="mt-1">
                      Disabled
                    </Badge>
                  )}
                </TableCell>
                <TableCell className="hidden sm:table-cell">{PROVIDER_TYPE_LABELS[provider.type]}</TableCell>
                <TableCell className="hidden max-w-72 truncate font-mono text-xs md:table-cell">
                  {provider.baseUrl}
                </TableCell>
                <TableCell className="hidden lg:table-cell">{provider.region ?? '—'}</TableCell>
                <TableCell>
                  <Badge tone={provider.hasCredential ? 'success' : 'warning'}>
                    {provider.hasCredential ? 'Set' : 'Not set'}
                  </Badge>
                </TableCell>
                <TableCell className="text-right">
                  <Button
                    variant="secondary"
                    size="sm"
                    onClick={() => setPanel({ kind: 'edit', provider })}
                    aria-label={`Edit ${provider.name}`}
                  >
                    Edit
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {hasMore && <p className="text-sm text-slate-600">Only the first {providers.length} providers are shown.</p>}

      <ProviderDialog
        open={panel.kind !== 'none'}
        provider={panel.kind === 'edit' ? panel.provider : null}
        onClose={close}
        onSaved={saved}
      />
    </div>
  );
}
