import type { CallLogBodiesResponse, CallLogDetailResponse } from '@gatehouse/contracts';
import type { ReactNode } from 'react';
import { Badge, CopyButton } from '@gatehouse/ui';
import { formatInteger, formatUsd } from '../../lib/format';
import { formatCallTime, formatMs, statusTone } from './log-format';

const USAGE_SOURCES: Record<string, string> = {
  upstream: 'reported by the upstream',
  estimate: 'estimated by the gateway',
  unknown: 'unknown (the upstream reported none)',
  none: 'none (no tokens were used)',
};

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="border-b border-slate-100 py-3 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="mt-1 text-sm text-slate-900 sm:col-span-2 sm:mt-0">{children}</dd>
    </div>
  );
}

const none = <span className="text-slate-500">—</span>;
const mono = (value: string | null) => (value === null ? none : <span className="font-mono">{value}</span>);

/** A stored body as people read it: JSON pretty-printed, any other text as it is. */
function readableBody(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function StoredBody({ title, text, truncated }: { title: string; text: string | null; truncated: boolean }) {
  return (
    <div className="py-3">
      <h3 className="text-sm font-medium text-slate-600">
        {title}
        {truncated && <span className="ml-2 font-normal text-slate-500">(cut at 64 KiB)</span>}
      </h3>
      {text === null ? (
        <p className="mt-1 text-sm text-slate-500">None</p>
      ) : (
        <pre
          tabIndex={0}
          className="mt-2 max-h-96 overflow-auto rounded-lg bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap break-all text-slate-900"
        >
          {readableBody(text)}
        </pre>
      )}
    </div>
  );
}

/** The call's stored bodies, redacted before they were stored; or why there are none. */
function Bodies({ bodies }: { bodies: CallLogBodiesResponse | null }) {
  return (
    <section
      aria-labelledby="call-bodies"
      className="rounded-2xl border border-slate-200 bg-white px-5 py-2 lg:col-span-2"
    >
      <h2 id="call-bodies" className="py-3 text-base font-semibold text-slate-950">
        Bodies
      </h2>
      {bodies === null ? (
        <p className="pb-3 text-sm text-slate-600">
          Bodies are not stored for this call. A policy stores them with{' '}
          <code className="font-mono">logging.bodies: true</code> (redacted, encrypted, kept for{' '}
          <code className="font-mono">logging.retentionDays</code>).
        </p>
      ) : bodies.decryptionError !== null ? (
        <p role="alert" className="pb-3 text-sm text-amber-800">
          The stored bodies cannot be read: {bodies.decryptionError}
        </p>
      ) : (
        <>
          <p className="text-sm text-slate-600">Personal data and deny-listed text were replaced before storing.</p>
          <StoredBody title="Request" text={bodies.request} truncated={bodies.requestTruncated} />
          <StoredBody title="Response" text={bodies.response} truncated={bodies.responseTruncated} />
        </>
      )}
    </section>
  );
}

/** Everything recorded of one call, in four groups: who and what, how it went, what the rules did, its bodies. */
export function CallDetail({ call }: { call: CallLogDetailResponse }) {
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <section aria-labelledby="call-request" className="rounded-2xl border border-slate-200 bg-white px-5 py-2">
        <h2 id="call-request" className="py-3 text-base font-semibold text-slate-950">
          Request
        </h2>
        <dl>
          <Field label="Request ID">
            <span className="flex flex-wrap items-center gap-2">
              <span className="font-mono break-all">{call.requestId}</span>
              <CopyButton text={call.requestId} label="request id" tone="light" />
            </span>
          </Field>
          <Field label="Time (UTC)">
            <time dateTime={call.at}>{formatCallTime(call.at)}</time>
          </Field>
          <Field label="Key">
            {call.keyId === null ? (
              none
            ) : (
              <>
                {call.keyName ?? 'Deleted key'}
                {call.keyPrefix && <span className="ml-2 font-mono text-slate-600">{call.keyPrefix}…</span>}
                <span className="block font-mono text-xs text-slate-500">{call.keyId}</span>
              </>
            )}
          </Field>
          <Field label="Endpoint">{mono(call.endpoint)}</Field>
          <Field label="Product">{mono(call.productSlug ?? call.productId)}</Field>
          <Field label="Model">{mono(call.model)}</Field>
          <Field label="Upstream">
            {call.providerId === null ? (
              none
            ) : (
              <>
                {call.providerName ?? 'Deleted provider'}
                {call.upstreamModel && <span className="ml-2 font-mono text-slate-600">{call.upstreamModel}</span>}
              </>
            )}
          </Field>
          <Field label="Streamed">{call.streamed ? 'Yes' : 'No'}</Field>
          <Field label="Tenant">{mono(call.tenantId)}</Field>
        </dl>
      </section>

      <section aria-labelledby="call-outcome" className="rounded-2xl border border-slate-200 bg-white px-5 py-2">
        <h2 id="call-outcome" className="py-3 text-base font-semibold text-slate-950">
          Outcome
        </h2>
        <dl>
          <Field label="Status">
            <Badge tone={statusTone(call.status)}>{call.status}</Badge>
          </Field>
          <Field label="Error code">{mono(call.errorCode)}</Field>
          <Field label="Latency">{formatMs(call.latencyMs)}</Field>
          <Field label="Time to first token">{formatMs(call.ttftMs)}</Field>
          <Field label="Time to first byte">{formatMs(call.ttfbMs)}</Field>
          <Field label="Input tokens">{formatInteger(call.inputTokens)}</Field>
          <Field label="Cached input tokens">{formatInteger(call.cachedTokens)}</Field>
          <Field label="Output tokens">{formatInteger(call.outputTokens)}</Field>
          <Field label="Token counts">
            {call.usageSource === null ? none : (USAGE_SOURCES[call.usageSource] ?? call.usageSource)}
          </Field>
          <Field label="Cost">{formatUsd(call.costUsd)}</Field>
          <Field label="Cache">
            {call.cache === 'hit' ? 'Answered from the cache' : 'Not answered from the cache'}
          </Field>
          <Field label="Policy decisions">
            {call.policy.length === 0 ? (
              'None'
            ) : (
              <ul className="space-y-1">
                {call.policy.map((decision) => (
                  <li key={decision} className="font-mono break-all">
                    {decision}
                  </li>
                ))}
              </ul>
            )}
          </Field>
        </dl>
      </section>

      <Bodies bodies={call.bodies} />
    </div>
  );
}
