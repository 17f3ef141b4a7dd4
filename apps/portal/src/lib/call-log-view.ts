/**
 * The log explorer's state, kept in the address bar (`?range&from&to&model&status&keyId&decision&errorCode&tenantId&
 * requestId&cursor`) so that a filtered view can be bookmarked, shared and linked to from the usage page. A preset
 * range reads back from now; `from`/`to` (instants) name a fixed window instead, as a usage bucket's link does and as
 * every "Older" link does, so the pages of one listing read one window.
 */

export const LOG_RANGES = [
  { value: '1h', label: 'Last hour', hours: 1 },
  { value: '24h', label: 'Last 24 hours', hours: 24 },
  { value: '7d', label: 'Last 7 days', hours: 7 * 24 },
  { value: '31d', label: 'Last 31 days', hours: 31 * 24 },
] as const;

export type LogRange = (typeof LOG_RANGES)[number]['value'];

export interface CallLogView {
  range: LogRange;
  /** A fixed window (ISO instants); both or neither. */
  from?: string;
  to?: string;
  model?: string;
  /** `4xx` or `403`. */
  status?: string;
  keyId?: string;
  decision?: string;
  errorCode?: string;
  /** The platform view only: one tenant's calls. */
  tenantId?: string;
  /** An exact request id: the view shows that call alone. */
  requestId?: string;
  cursor?: string;
}

/** The filters people set; the window, the search and the page position are not filters. */
export const FILTER_FIELDS = ['model', 'status', 'keyId', 'decision', 'errorCode', 'tenantId'] as const;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
const isInstant = (value: string | undefined): value is string =>
  value !== undefined && !Number.isNaN(Date.parse(value));

/**
 * Reads the view from search params. Filter values are passed on as typed (bounded in length): admin-api checks
 * them and its refusal is shown beside the form, in its words.
 */
export function parseCallLogView(params: Record<string, string | string[] | undefined>): CallLogView {
  const range = LOG_RANGES.find((preset) => preset.value === first(params.range))?.value ?? '24h';
  const from = first(params.from);
  const to = first(params.to);
  const view: CallLogView = { range };
  if (isInstant(from) && isInstant(to)) {
    view.from = from;
    view.to = to;
  }
  for (const field of [...FILTER_FIELDS, 'requestId', 'cursor'] as const) {
    const value = first(params[field])?.slice(0, 200);
    if (value !== undefined) view[field] = value;
  }
  return view;
}

/** The window a view reads: its fixed one, or its preset back from `now`. */
export function viewWindow(view: CallLogView, now: number): { from: string; to: string } {
  if (view.from !== undefined && view.to !== undefined) return { from: view.from, to: view.to };
  const hours = LOG_RANGES.find((preset) => preset.value === view.range)?.hours ?? 24;
  return { from: new Date(now - hours * 3_600_000).toISOString(), to: new Date(now).toISOString() };
}

/** The admin-api query of a view's list. */
export function callLogQuery(view: CallLogView, now: number): Record<string, string | undefined> {
  const query: Record<string, string | undefined> = { ...viewWindow(view, now), cursor: view.cursor };
  for (const field of FILTER_FIELDS) query[field] = view[field];
  return query;
}

export function isFiltered(view: CallLogView): boolean {
  return FILTER_FIELDS.some((field) => view[field] !== undefined);
}

/** The explorer's address for a view, `base` being `/t/{tenantId}/logs` or `/admin/logs`. */
export function callLogHref(base: string, view: Partial<CallLogView>): string {
  const params = new URLSearchParams();
  if (view.range !== undefined && view.range !== '24h') params.set('range', view.range);
  for (const field of ['from', 'to', ...FILTER_FIELDS, 'requestId', 'cursor'] as const) {
    const value = view[field];
    if (value !== undefined && value !== '') params.set(field, value);
  }
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

/**
 * The calls behind an anomaly alert (apps/worker anomaly alerts): the incident's window, narrowed to the server
 * errors of an error-rate anomaly and to the refused calls of a policy one.
 */
export function incidentLogView(incident: { signal: string; windowStart: string; windowEnd: string }): CallLogView {
  const view: CallLogView = { range: '24h', from: incident.windowStart, to: incident.windowEnd };
  if (incident.signal === 'error_rate') view.status = '5xx';
  if (incident.signal === 'policy_violations') view.decision = 'block';
  return view;
}
