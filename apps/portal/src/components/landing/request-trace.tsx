import { Icon } from '../icons';

interface TraceStep {
  label: string;
  detail: string;
  timing: string;
  /** Share of the monthly budget in use, drawn as a bar under the step. */
  meter?: number;
}

// What one chat completion goes through in the gateway (docs/architecture.md, The gateway), with believable numbers.
const steps: TraceStep[] = [
  { label: 'Key verified', detail: 'gh_live_7Qx… from the in-memory cache', timing: '0.1 ms' },
  { label: 'Entitled', detail: 'demo-chat on plan demo-pro, approved', timing: '0.1 ms' },
  { label: 'Rate limits', detail: '58 / 600 requests · 41k / 200k tokens per minute', timing: '0.3 ms' },
  { label: 'Budget reserved', detail: '$0.0031 worst case · $92.40 of $250 used', timing: '0.3 ms', meter: 0.37 },
  { label: 'Routed', detail: 'demo-chat → mock-provider, streamed', timing: '36.8 ms' },
  { label: 'Usage recorded', detail: '412 in · 128 out · settled at $0.0004', timing: 'async' },
];

/** An illustration of the gateway's hot path, drawn as a request trace from an admin's console. */
export function RequestTrace() {
  return (
    <figure className="relative">
      <div
        aria-hidden="true"
        className="absolute -inset-4 -z-10 rounded-[2rem] bg-linear-to-tr from-indigo-200/60 via-sky-100/40 to-fuchsia-100/60 blur-2xl"
      />
      <div className="overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-xl shadow-slate-900/10">
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 bg-slate-50/80 px-5 py-3.5">
          <div className="flex min-w-0 items-center gap-2.5 font-mono text-[13px]">
            <span className="rounded-md bg-indigo-600 px-1.5 py-0.5 text-[11px] font-semibold text-white">POST</span>
            <span className="truncate text-slate-800">/v1/chat/completions</span>
          </div>
          <span className="inline-flex items-center gap-1.5 rounded-full bg-emerald-50 px-2.5 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-200 ring-inset">
            <span aria-hidden="true" className="size-1.5 rounded-full bg-emerald-500" />
            200 OK · 38 ms
          </span>
        </div>
        <ol className="divide-y divide-slate-100">
          {steps.map((step) => (
            <li key={step.label} className="flex items-start gap-3.5 px-5 py-3">
              <span className="mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full bg-emerald-100 text-emerald-700">
                <Icon name="check" className="size-3.5" strokeWidth={2.5} />
              </span>
              <div className="min-w-0 flex-1">
                <div className="flex items-baseline justify-between gap-3">
                  <p className="text-sm font-semibold text-slate-900">{step.label}</p>
                  <p className="shrink-0 font-mono text-xs text-slate-500">{step.timing}</p>
                </div>
                <p className="mt-0.5 text-[13px] leading-5 text-slate-600">{step.detail}</p>
                {step.meter !== undefined && (
                  <div aria-hidden="true" className="mt-2 h-1.5 overflow-hidden rounded-full bg-slate-100">
                    <div
                      className="h-full rounded-full bg-linear-to-r from-indigo-500 to-sky-400"
                      style={{ width: `${Math.round(step.meter * 100)}%` }}
                    />
                  </div>
                )}
              </div>
            </li>
          ))}
        </ol>
        <div className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 bg-slate-50/80 px-5 py-3 text-xs text-slate-600">
          <span>Zero database queries on this request</span>
          <span className="font-mono">x-request-id: req_01J9ZK4T</span>
        </div>
      </div>
      <figcaption className="sr-only">
        An example request trace: each call is authenticated, checked against its plan, rate limited, reserves its
        worst-case cost, is routed upstream and leaves a usage record.
      </figcaption>
    </figure>
  );
}
