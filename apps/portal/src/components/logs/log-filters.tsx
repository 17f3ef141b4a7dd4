import type { ApiKeyResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { Button, buttonClasses, SelectField, TextField } from '@gatehouse/ui';
import { callLogHref, isFiltered, LOG_RANGES, type CallLogView } from '../../lib/call-log-view';
import { formatCallTime } from './log-format';

/**
 * The explorer's search by request id and its filters, as plain GET forms: the view lives in the address bar, so a
 * filtered log can be bookmarked or shared, and the forms work before any script has loaded. `keys` offers the
 * tenant's keys to pick from; the platform view (no keys) filters by tenant instead.
 */
export function LogFilters({
  base,
  view,
  keys,
  fieldErrors,
}: {
  base: string;
  view: CallLogView;
  keys?: ApiKeyResponse[];
  /** admin-api's reasons, by query field, when it refused these filters. */
  fieldErrors: Record<string, string>;
}) {
  const fixedWindow = view.from !== undefined && view.to !== undefined;
  return (
    <div className="space-y-4">
      <form
        role="search"
        aria-label="Find a call by request id"
        action={base}
        method="get"
        className="flex flex-col gap-3 rounded-2xl border border-slate-200 bg-white p-4 sm:flex-row sm:items-end sm:p-5"
      >
        <TextField
          className="min-w-0 flex-1"
          label="Request ID"
          name="requestId"
          defaultValue={view.requestId}
          placeholder="The x-request-id of a response"
          autoComplete="off"
          spellCheck={false}
          required
          maxLength={200}
          hint="Exact match, at any date."
        />
        <Button type="submit" variant="secondary" className="sm:mb-7">
          Find call
        </Button>
      </form>

      <form
        role="search"
        aria-label="Filter calls"
        action={base}
        method="get"
        className="rounded-2xl border border-slate-200 bg-white p-4 sm:p-5"
      >
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {fixedWindow ? (
            <div>
              <p className="block text-sm font-medium text-slate-900">Window (UTC)</p>
              <p className="mt-1.5 text-sm text-slate-700">
                {formatCallTime(view.from as string)} – {formatCallTime(view.to as string)}
              </p>
              <input type="hidden" name="from" value={view.from} />
              <input type="hidden" name="to" value={view.to} />
              <Link
                href={callLogHref(base, { ...view, from: undefined, to: undefined, cursor: undefined })}
                className="text-sm font-medium text-indigo-700 hover:underline"
              >
                Use a recent range instead
              </Link>
            </div>
          ) : (
            <SelectField label="Time range" name="range" defaultValue={view.range}>
              {LOG_RANGES.map((preset) => (
                <option key={preset.value} value={preset.value}>
                  {preset.label}
                </option>
              ))}
            </SelectField>
          )}
          {keys ? (
            <SelectField label="Key" name="keyId" defaultValue={view.keyId ?? ''} error={fieldErrors.keyId}>
              <option value="">Any key</option>
              {keys.map((key) => (
                <option key={key.id} value={key.id}>
                  {key.name} ({key.prefix}…)
                </option>
              ))}
            </SelectField>
          ) : (
            <TextField
              label="Tenant ID"
              name="tenantId"
              defaultValue={view.tenantId}
              placeholder="Any tenant"
              autoComplete="off"
              spellCheck={false}
              error={fieldErrors.tenantId}
            />
          )}
          <TextField
            label="Model"
            name="model"
            defaultValue={view.model}
            placeholder="demo-chat"
            autoComplete="off"
            spellCheck={false}
            error={fieldErrors.model}
          />
          <TextField
            label="Status"
            name="status"
            defaultValue={view.status}
            placeholder="4xx or 403"
            autoComplete="off"
            spellCheck={false}
            error={fieldErrors.status}
          />
          <TextField
            label="Error code"
            name="errorCode"
            defaultValue={view.errorCode}
            placeholder="model_not_allowed"
            autoComplete="off"
            spellCheck={false}
            error={fieldErrors.errorCode}
          />
          <TextField
            label="Policy decision"
            name="decision"
            defaultValue={view.decision}
            placeholder="block, pii.input or block:pii.input"
            autoComplete="off"
            spellCheck={false}
            error={fieldErrors.decision}
          />
        </div>
        <div className="mt-4 flex flex-wrap gap-2">
          <Button type="submit" variant="secondary">
            Apply filters
          </Button>
          {(isFiltered(view) || fixedWindow) && (
            <Link href={base} className={buttonClasses({ variant: 'ghost' })}>
              Clear filters
            </Link>
          )}
        </div>
      </form>
    </div>
  );
}
