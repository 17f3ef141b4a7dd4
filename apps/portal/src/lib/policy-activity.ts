import type { PolicyActivityResponse, PolicyDecision } from '@gatehouse/contracts';

/** The longest window admin-api reports policy activity for. */
export const ACTIVITY_MAX_DAYS = 31;
const DAY_MS = 86_400_000;

/** What each decision is called in the portal, in the order the columns show them. */
export const DECISION_LABELS: Record<PolicyDecision, string> = {
  block: 'Blocked',
  redact: 'Redacted',
  log: 'Logged',
  monitor: 'Monitored',
  error: 'Service errors',
};
export const DECISIONS = Object.keys(DECISION_LABELS) as PolicyDecision[];

/** The rules as people read them; a rule the portal does not know yet shows its document name. */
const RULE_LABELS: Record<string, string> = {
  'access.allowModels': 'Allowed models',
  'access.denyModels': 'Denied models',
  'access.sourceIps': 'Source addresses',
  'access.hours': 'Hours',
  'access.keyMetadata': 'Key labels',
  validation: 'Request limits',
  'pii.input': 'Personal data in prompts',
  'pii.output': 'Personal data in answers',
  injection: 'Prompt injection',
  'denyList.input': 'Deny list on prompts',
  'denyList.output': 'Deny list on answers',
};

/** One rule (with its detail: a PII entity, an external service) and how often each decision was taken. */
export interface DecisionRow {
  key: string;
  rule: string;
  label: string;
  counts: Record<PolicyDecision, number>;
  total: number;
}

/** "Personal data in prompts · EMAIL", "Prompt injection · external service". */
export function ruleLabel(rule: string, detail: string | null): string {
  const label = RULE_LABELS[rule] ?? rule;
  if (detail === null) return label;
  return `${label} · ${detail === 'external' ? 'external service' : detail}`;
}

/** The report's items summed per rule and detail, across tenants and documents, the busiest first. */
export function decisionRows(items: PolicyActivityResponse['items']): DecisionRow[] {
  const rows = new Map<string, DecisionRow>();
  for (const item of items) {
    const key = `${item.rule}\n${item.detail ?? ''}`;
    let row = rows.get(key);
    if (row === undefined) {
      const counts = { block: 0, redact: 0, log: 0, monitor: 0, error: 0 };
      row = { key, rule: item.rule, label: ruleLabel(item.rule, item.detail), counts, total: 0 };
      rows.set(key, row);
    }
    row.counts[item.decision] += item.count;
    row.total += item.count;
  }
  return [...rows.values()].sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
}

/** The part of `[from, to)` the activity report can cover: its last 31 days; `clamped` when that is less. */
export function activityWindow(from: string, to: string): { from: string; to: string; clamped: boolean } {
  const end = Date.parse(to);
  const earliest = end - ACTIVITY_MAX_DAYS * DAY_MS;
  if (Date.parse(from) >= earliest) return { from, to, clamped: false };
  return { from: new Date(earliest).toISOString(), to, clamped: true };
}
