'use client';

import { policyVersionDetailSchema, type PolicyVersionResponse } from '@gatehouse/contracts';
import { useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Skeleton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import type { PolicyEndpoints } from '../../lib/api/policy-endpoints';
import { formatDateTime } from '../../lib/format';
import { LineDiffView } from './line-diff-view';

type Comparison =
  | { version: number; state: 'loading' }
  | { version: number; state: 'done'; yaml: string }
  | { version: number; state: 'failed'; message: string };

/**
 * Every version of a document, newest first, with who made it, when and why. Any earlier version can be compared
 * with the one in force (its text is read on demand) and rolled back to.
 */
export function VersionHistory({
  versions,
  activeVersion,
  inForceYaml,
  endpoints,
  timeZone,
  onRollback,
}: {
  versions: PolicyVersionResponse[];
  activeVersion: number | null;
  inForceYaml: string | null;
  endpoints: PolicyEndpoints;
  timeZone: string;
  onRollback: (version: number) => void;
}) {
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const diffRef = useRef<HTMLDivElement>(null);
  const zoneSuffix = timeZone === 'UTC' ? ' UTC' : '';

  const compare = async (version: number) => {
    setComparison({ version, state: 'loading' });
    requestAnimationFrame(() => diffRef.current?.focus());
    const result = await callApi('GET', `${endpoints.versions}/${version}`, { schema: policyVersionDetailSchema });
    setComparison((current) =>
      current?.version !== version
        ? current
        : result.ok
          ? { version, state: 'done', yaml: result.data.yaml }
          : { version, state: 'failed', message: result.error.message },
    );
  };

  if (versions.length === 0) {
    return <p className="text-sm text-slate-600">No versions yet: the first save creates version 1.</p>;
  }

  return (
    <div className="space-y-4">
      <Table caption="Versions, newest first">
        <TableHead>
          <tr>
            <TableHeaderCell>Version</TableHeaderCell>
            <TableHeaderCell className="hidden sm:table-cell">Author</TableHeaderCell>
            <TableHeaderCell className="hidden md:table-cell">Saved</TableHeaderCell>
            <TableHeaderCell>Message</TableHeaderCell>
            <TableHeaderCell>
              <span className="sr-only">Actions</span>
            </TableHeaderCell>
          </tr>
        </TableHead>
        <TableBody>
          {versions.map((version) => {
            const active = version.version === activeVersion;
            const author = version.createdBy ? version.createdBy.name : 'A deleted account';
            const saved = `${formatDateTime(version.createdAt, timeZone)}${zoneSuffix}`;
            return (
              <TableRow key={version.version} data-version={version.version}>
                <TableCell className="align-top whitespace-nowrap">
                  <span className="font-medium text-slate-900 tabular-nums">Version {version.version}</span>
                  {active && (
                    <Badge tone="success" className="ml-2">
                      In force
                    </Badge>
                  )}
                  <span className="mt-0.5 block text-xs text-slate-500 sm:hidden">{author}</span>
                  <span className="block text-xs text-slate-500 md:hidden">{saved}</span>
                </TableCell>
                <TableCell className="hidden align-top sm:table-cell">
                  <span className="block text-slate-900">{author}</span>
                  {version.createdBy && (
                    <span className="block text-xs break-all text-slate-500">{version.createdBy.email}</span>
                  )}
                </TableCell>
                <TableCell className="hidden align-top whitespace-nowrap md:table-cell">
                  <time dateTime={version.createdAt}>{saved}</time>
                </TableCell>
                <TableCell className="max-w-72 align-top break-words">
                  {version.message ?? <span className="text-slate-400">No message</span>}
                </TableCell>
                <TableCell className="align-top">
                  {!active && (
                    <div className="flex flex-col items-end gap-2 sm:flex-row sm:justify-end">
                      {inForceYaml !== null && (
                        <Button
                          variant="secondary"
                          size="sm"
                          onClick={() => void compare(version.version)}
                          aria-label={`Compare version ${version.version} with the version in force`}
                        >
                          Compare
                        </Button>
                      )}
                      <Button
                        variant="secondary"
                        size="sm"
                        onClick={() => onRollback(version.version)}
                        aria-label={`Roll back to version ${version.version}`}
                      >
                        Roll back
                      </Button>
                    </div>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>

      <div ref={diffRef} tabIndex={-1} className="outline-none" aria-live="polite">
        {comparison && (
          <div className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4 sm:p-5">
            <div className="flex items-center justify-between gap-3">
              <h3 className="text-sm font-semibold text-slate-950">
                Version {comparison.version} → version {activeVersion} (in force)
              </h3>
              <Button variant="ghost" size="sm" onClick={() => setComparison(null)}>
                Close
              </Button>
            </div>
            {comparison.state === 'loading' && (
              <div role="status" className="space-y-2">
                <span className="sr-only">Loading version {comparison.version}…</span>
                <Skeleton className="h-5 w-full" />
                <Skeleton className="h-5 w-2/3" />
              </div>
            )}
            {comparison.state === 'failed' && (
              <Alert tone="danger" title={`Version ${comparison.version} could not be read`}>
                {comparison.message}
              </Alert>
            )}
            {comparison.state === 'done' && inForceYaml !== null && (
              <LineDiffView
                before={comparison.yaml}
                after={inForceYaml}
                label={`From version ${comparison.version} to version ${activeVersion}`}
              />
            )}
          </div>
        )}
      </div>
    </div>
  );
}
