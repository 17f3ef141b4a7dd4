'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import {
  Badge,
  Button,
  buttonClasses,
  EmptyState,
  focusRing,
  PageHeader,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@gatehouse/ui';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import { Icon } from '../icons';
import { keyStatusBadge } from './key-status';
import { CreateKeyDialog } from './create-key-dialog';
import { EditKeyLabelsDialog } from './edit-key-labels-dialog';
import { RevokeKeyDialog } from './revoke-key-dialog';
import { RotateKeyDialog } from './rotate-key-dialog';
import { SecretRevealDialog } from './secret-reveal';
import type { KeyRow, RevealedSecret, ScopeOption } from './types';

type Panel =
  | { kind: 'none' }
  | { kind: 'create' }
  | { kind: 'rotate'; key: KeyRow }
  | { kind: 'labels'; key: KeyRow }
  | { kind: 'revoke'; key: KeyRow }
  | { kind: 'secret'; revealed: RevealedSecret };

export interface KeysManagerProps {
  tenantId: string;
  keys: KeyRow[];
  subscriptions: ScopeOption[];
  /** Product names of every subscription of the tenant, by id, to describe each key's scope. */
  subscriptionNames: Record<string, string>;
  canManage: boolean;
  timeZone: string;
  gatewayUrl: string;
  /** Pagination: the cursor of the next (older) page, and whether this is the newest page. */
  nextCursor: string | null;
  isFirstPage: boolean;
  /** Open the create dialog on arrival (the overview's "Create a key" link). */
  openCreate: boolean;
}

/**
 * The keys page: the list, and the create, rotate and revoke flows. Writes go through the /api/v1 proxy; after each
 * one the server components are asked for fresh data (router.refresh) rather than patching the list by hand.
 */
export function KeysManager(props: KeysManagerProps) {
  const { tenantId, keys, subscriptions, subscriptionNames, canManage, timeZone, gatewayUrl, nextCursor, isFirstPage } =
    props;
  const router = useRouter();
  const [panel, setPanel] = useState<Panel>(props.openCreate && canManage ? { kind: 'create' } : { kind: 'none' });
  // Read once per render so every "x minutes ago" on the page agrees.
  const [now] = useState(() => Date.now());
  const close = () => setPanel({ kind: 'none' });
  const base = `/t/${encodeURIComponent(tenantId)}/keys`;

  const created = (revealed: RevealedSecret) => {
    setPanel({ kind: 'secret', revealed });
    toast.success(`Key “${revealed.name}” created`);
    // Drop ?create=1 so a reload does not open the form again.
    if (props.openCreate) router.replace(base);
    router.refresh();
  };

  const rotated = (revealed: RevealedSecret) => {
    setPanel({ kind: 'secret', revealed });
    toast.success(`Key “${revealed.name}” rotated`);
    router.refresh();
  };

  const labelled = (key: KeyRow) => {
    close();
    toast.success(`Labels of “${key.name}” saved`);
    router.refresh();
  };

  const revoked = (key: KeyRow) => {
    close();
    toast.success(`Key “${key.name}” revoked`, { description: 'Requests with it are now refused.' });
    router.refresh();
  };

  const createButton = canManage && (
    <Button onClick={() => setPanel({ kind: 'create' })}>
      <Icon name="plus" className="size-4" />
      Create key
    </Button>
  );

  return (
    <div className="space-y-8">
      <PageHeader
        title="API keys"
        description={
          <>
            Keys let your code call the gateway. Each one can be limited to some subscriptions, labelled for your
            policies, given an expiry, rotated without downtime and revoked at once.
            {!canManage && ' As a viewer you can see the keys but not change them.'}
          </>
        }
        actions={keys.length > 0 || !isFirstPage ? createButton : undefined}
      />

      {keys.length === 0 && isFirstPage ? (
        <EmptyState
          icon={<Icon name="key" className="size-6" />}
          title="No API keys yet"
          description={
            canManage
              ? 'Create a key, then send it as a Bearer token to the gateway. You will see its secret once, right after creating it.'
              : 'Nobody has created a key in this workspace yet. Members and owners can create them.'
          }
          actions={createButton || undefined}
        />
      ) : (
        <Table caption="API keys">
          <TableHead>
            <tr>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Key</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell className="hidden md:table-cell">Created</TableHeaderCell>
              <TableHeaderCell>Expires</TableHeaderCell>
              <TableHeaderCell>Last used</TableHeaderCell>
              {canManage && (
                <TableHeaderCell className="text-right">
                  <span className="sr-only">Actions</span>
                </TableHeaderCell>
              )}
            </tr>
          </TableHead>
          <TableBody>
            {keys.map((key) => {
              const status = keyStatusBadge[key.status];
              const scope =
                key.subscriptionIds.length === 0
                  ? 'All subscriptions'
                  : key.subscriptionIds.map((id) => subscriptionNames[id] ?? 'Unknown subscription').join(', ');
              return (
                <TableRow key={key.id}>
                  <TableCell className="max-w-56">
                    <span className="flex items-center gap-2">
                      <span className="truncate font-medium text-slate-950">{key.name}</span>
                      {key.mode === 'test' && <Badge tone="brand">Test</Badge>}
                    </span>
                    <span className="block truncate text-xs text-slate-500" title={scope}>
                      {scope}
                    </span>
                    <KeyLabels
                      apiKey={key}
                      onEdit={
                        canManage && key.status !== 'REVOKED' ? () => setPanel({ kind: 'labels', key }) : undefined
                      }
                    />
                  </TableCell>
                  <TableCell className="font-mono text-xs whitespace-nowrap text-slate-600">
                    {key.prefix}…{key.last4}
                  </TableCell>
                  <TableCell>
                    <Badge tone={status.tone}>{status.label}</Badge>
                  </TableCell>
                  <TableCell className="hidden whitespace-nowrap md:table-cell">
                    <time dateTime={key.createdAt} title={formatDateTime(key.createdAt, timeZone)}>
                      {formatDate(key.createdAt, timeZone)}
                    </time>
                    {key.createdBy && <span className="block text-xs text-slate-500">by {key.createdBy.name}</span>}
                  </TableCell>
                  <TableCell className="whitespace-nowrap">
                    {key.expiresAt ? (
                      <time dateTime={key.expiresAt} title={formatDateTime(key.expiresAt, timeZone)}>
                        {formatDate(key.expiresAt, timeZone)}
                      </time>
                    ) : (
                      <span className="text-slate-500">Never</span>
                    )}
                  </TableCell>
                  <TableCell className="whitespace-nowrap">
                    {key.lastUsedAt ? (
                      <time
                        dateTime={key.lastUsedAt}
                        title={formatDateTime(key.lastUsedAt, timeZone)}
                        suppressHydrationWarning
                      >
                        {formatRelative(key.lastUsedAt, now)}
                      </time>
                    ) : (
                      <span className="text-slate-500">Never</span>
                    )}
                  </TableCell>
                  {canManage && (
                    <TableCell className="text-right whitespace-nowrap">
                      {key.status !== 'REVOKED' && (
                        <span className="inline-flex gap-1">
                          {key.status === 'ACTIVE' && (
                            <Button variant="ghost" size="sm" onClick={() => setPanel({ kind: 'rotate', key })}>
                              <Icon name="rotate" className="size-4" />
                              Rotate<span className="sr-only"> {key.name}</span>
                            </Button>
                          )}
                          <Button
                            variant="ghost"
                            size="sm"
                            className="text-rose-700 hover:bg-rose-50 hover:text-rose-800"
                            onClick={() => setPanel({ kind: 'revoke', key })}
                          >
                            <Icon name="ban" className="size-4" />
                            Revoke<span className="sr-only"> {key.name}</span>
                          </Button>
                        </span>
                      )}
                    </TableCell>
                  )}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}

      {(nextCursor || !isFirstPage) && (
        <nav aria-label="Pages of keys" className="flex justify-between gap-4">
          {!isFirstPage ? (
            <Link href={base} className={buttonClasses({ variant: 'secondary', size: 'sm' })}>
              ← Newest keys
            </Link>
          ) : (
            <span />
          )}
          {nextCursor && (
            <Link
              href={`${base}?cursor=${encodeURIComponent(nextCursor)}`}
              className={buttonClasses({ variant: 'secondary', size: 'sm' })}
            >
              Older keys →
            </Link>
          )}
        </nav>
      )}

      {canManage && (
        <>
          <CreateKeyDialog
            open={panel.kind === 'create'}
            onClose={close}
            onCreated={created}
            tenantId={tenantId}
            subscriptions={subscriptions}
          />
          <RotateKeyDialog
            apiKey={panel.kind === 'rotate' ? panel.key : null}
            onClose={close}
            onRotated={rotated}
            tenantId={tenantId}
          />
          <EditKeyLabelsDialog
            apiKey={panel.kind === 'labels' ? panel.key : null}
            onClose={close}
            onSaved={labelled}
            tenantId={tenantId}
          />
          <RevokeKeyDialog
            apiKey={panel.kind === 'revoke' ? panel.key : null}
            onClose={close}
            onRevoked={revoked}
            tenantId={tenantId}
          />
          <SecretRevealDialog
            revealed={panel.kind === 'secret' ? panel.revealed : null}
            onClose={close}
            timeZone={timeZone}
            gatewayUrl={gatewayUrl}
          />
        </>
      )}
    </div>
  );
}

/**
 * A key's labels as `name: value` chips, by name, and for those who may change them a link to edit them (or to add
 * some to a key without any).
 */
function KeyLabels({ apiKey, onEdit }: { apiKey: KeyRow; onEdit?: () => void }) {
  const labels = Object.entries(apiKey.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (labels.length === 0 && !onEdit) return null;
  return (
    <div className="mt-1.5 flex flex-wrap items-center gap-1">
      {labels.length > 0 && (
        <ul aria-label={`Labels of ${apiKey.name}`} className="flex min-w-0 flex-wrap gap-1">
          {labels.map(([name, value]) => (
            <li key={name} className="max-w-full">
              <Badge className="max-w-48 font-mono" title={`${name}: ${value}`}>
                <span className="truncate">
                  {name}: {value}
                </span>
              </Badge>
            </li>
          ))}
        </ul>
      )}
      {onEdit && (
        <button
          type="button"
          onClick={onEdit}
          aria-label={`${labels.length > 0 ? 'Edit' : 'Add'} the labels of ${apiKey.name}`}
          className={`inline-flex items-center gap-1 rounded px-1 text-xs font-medium text-indigo-700 hover:text-indigo-900 hover:underline ${focusRing}`}
        >
          <Icon name="tag" className="size-3.5" />
          {labels.length > 0 ? 'Edit labels' : 'Add labels'}
        </button>
      )}
    </div>
  );
}
