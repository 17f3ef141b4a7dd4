import ipaddr from 'ipaddr.js';
import { compileDenyList, type DenyList } from '../guardrails/deny-list/deny-list';
import { DEFAULT_INJECTION_THRESHOLD } from '../guardrails/injection/score-injection';
import { PII_ENTITIES, type PiiEntity } from '../guardrails/pii/pii-entity';
import { localWeekTime } from '../limits/calendar-period';
import {
  type AccessRuleName,
  type ContentAction,
  type DenyListRules,
  type ExternalGuardrailConfig,
  type HoursWindow,
  type LoggingRules,
  minuteOfDay,
  type PiiAction,
  type PolicyDocument,
  type PolicyMode,
  policyScopeOf,
  type Weekday,
} from './policy-document';

/** A rule's name as answers, usage events and reports show it: `access.denyModels`, `pii.input`. */
export type PolicyRuleName =
  | `access.${AccessRuleName}`
  | 'validation'
  | 'pii.input'
  | 'pii.output'
  | 'injection'
  | 'denyList.input'
  | 'denyList.output'
  | 'logging';

/** Where a rule of the effective policy comes from, and whether it acts or only reports. */
export interface RuleSource {
  /** The document's name: `global`, `product:<slug>`, `tenant:<id>`. */
  policy: string;
  rule: PolicyRuleName;
  mode: PolicyMode;
}

/** One scope's `validation` rule: every scope's applies, so the smallest limit is the one a request meets first. */
export interface ValidationRule {
  source: RuleSource;
  limits: { maxBodyBytes?: number; maxMessages?: number; maxInputTokens?: number };
  strictParams: boolean;
}

/** One scope's `pii.input` or `pii.output` rule: what it does with the entities it names. */
export interface PiiRule {
  source: RuleSource;
  action: PiiAction;
  entities: readonly PiiEntity[];
  /** `pii.input` with `redact`: the answer's placeholders go back to the caller's originals. */
  restore: boolean;
}

/** One scope's `injection` rule: the built-in scorer's threshold, and the external service when one is set. */
export interface InjectionRule {
  source: RuleSource;
  action: 'block' | 'log';
  threshold: number;
  external: ExternalGuardrailConfig | null;
}

/** One scope's deny list on one side (`denyList.input` or `denyList.output`), compiled once per policy change. */
export interface DenyListRule {
  source: RuleSource;
  action: ContentAction;
  list: DenyList;
}

type ParsedRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A weekly window as the checks read it: its days, and its minutes of the day as numbers. */
interface MinuteWindow {
  days: readonly Weekday[];
  from: number;
  to: number;
}

/** How long stored bodies are kept when no document that applies sets `logging.retentionDays`. */
export const DEFAULT_BODY_RETENTION_DAYS = 7;

/** What the call log stores of a call's bodies, across every scope (`effectiveLogging`). */
export interface EffectiveLogging {
  /** Whether the request and response bodies are stored (redacted, encrypted). */
  readonly bodies: boolean;
  /** How many days stored bodies are kept. */
  readonly retentionDays: number;
}

interface Constraint<T> {
  source: RuleSource;
  value: T;
}

/**
 * The policy in force for one (tenant, product): every document that applies, global first, then the product's,
 * then the tenant's, each rule kept with its source. Built once per change of any of them, then read on every
 * request. Rules of different scopes all apply: a call must pass each of them, so a narrower document can only
 * add refusals (a tenant tightens what the platform set, never loosens it); a rule in monitor mode is checked and
 * reported but refuses nothing.
 */
export interface EffectivePolicy {
  /** The documents it was built from, in order, with their versions where known. */
  readonly sources: readonly { policy: string; version: number | null }[];
  readonly access: EffectiveAccess;
  /** Every scope's `validation` rule, global first. */
  readonly validation: readonly ValidationRule[];
  /** Every scope's `pii.input` rule, global first (`piiDecision` settles an entity across them). */
  readonly piiInput: readonly PiiRule[];
  /** Every scope's `pii.output` rule, global first. */
  readonly piiOutput: readonly PiiRule[];
  /** Every scope's `injection` rule, global first. */
  readonly injection: readonly InjectionRule[];
  /** Every scope's input deny list, global first. */
  readonly denyInput: readonly DenyListRule[];
  /** Every scope's output deny list, global first. */
  readonly denyOutput: readonly DenyListRule[];
  readonly logging: EffectiveLogging;
}

export interface EffectiveAccess {
  readonly allowModels: readonly Constraint<ReadonlySet<string>>[];
  readonly denyModels: readonly Constraint<ReadonlySet<string>>[];
  readonly sourceIps: readonly Constraint<readonly ParsedRange[]>[];
  readonly hours: readonly Constraint<readonly MinuteWindow[]>[];
  readonly keyMetadata: readonly Constraint<ReadonlyMap<string, readonly string[]>>[];
}

/** A versioned document as the effective policy is built from it. */
export interface VersionedPolicy {
  document: PolicyDocument;
  version: number | null;
}

const SCOPE_ORDER = { global: 0, product: 1, tenant: 2 } as const;

/** The access rules in the order the gateway checks them (`evaluateAccess`), each across every scope. */
const ACCESS_RULE_ORDER: readonly AccessRuleName[] = ['denyModels', 'allowModels', 'sourceIps', 'hours', 'keyMetadata'];

/** One rule of the effective policy as people read it: its document, mode, and settings as the document wrote them. */
export interface EffectiveRuleView {
  policy: string;
  version: number | null;
  rule: PolicyRuleName;
  mode: PolicyMode;
  settings: Record<string, unknown>;
}

/** The effective policy of the documents that apply to one (tenant, product), in any order. */
export function effectivePolicy(policies: readonly VersionedPolicy[]): EffectivePolicy {
  const ordered = byScope(policies);
  const access = {
    allowModels: [] as Constraint<ReadonlySet<string>>[],
    denyModels: [] as Constraint<ReadonlySet<string>>[],
    sourceIps: [] as Constraint<readonly ParsedRange[]>[],
    hours: [] as Constraint<readonly MinuteWindow[]>[],
    keyMetadata: [] as Constraint<ReadonlyMap<string, readonly string[]>>[],
  };
  for (const { document } of ordered) {
    const rules = document.spec.access;
    if (rules === undefined) continue;
    const source = (rule: AccessRuleName, mode: PolicyMode | undefined): RuleSource => ({
      policy: document.metadata.name,
      rule: `access.${rule}`,
      mode: mode ?? document.mode,
    });
    if (rules.allowModels) {
      access.allowModels.push({
        source: source('allowModels', rules.allowModels.mode),
        value: new Set(rules.allowModels.models),
      });
    }
    if (rules.denyModels) {
      access.denyModels.push({
        source: source('denyModels', rules.denyModels.mode),
        value: new Set(rules.denyModels.models),
      });
    }
    if (rules.sourceIps) {
      access.sourceIps.push({
        source: source('sourceIps', rules.sourceIps.mode),
        value: rules.sourceIps.ranges.map(parseRange),
      });
    }
    if (rules.hours) {
      access.hours.push({ source: source('hours', rules.hours.mode), value: rules.hours.windows.map(minuteWindow) });
    }
    if (rules.keyMetadata) {
      const labels = new Map<string, readonly string[]>();
      for (const [label, values] of Object.entries(rules.keyMetadata.labels)) {
        labels.set(label, typeof values === 'string' ? [values] : values);
      }
      access.keyMetadata.push({ source: source('keyMetadata', rules.keyMetadata.mode), value: labels });
    }
  }
  const validation: ValidationRule[] = [];
  for (const { document } of ordered) {
    const rule = document.spec.validation;
    if (rule === undefined) continue;
    const { mode, strictParams, ...limits } = rule;
    validation.push({
      source: { policy: document.metadata.name, rule: 'validation', mode: mode ?? document.mode },
      limits,
      strictParams: strictParams ?? false,
    });
  }
  const piiInput: PiiRule[] = [];
  const piiOutput: PiiRule[] = [];
  const injection: InjectionRule[] = [];
  const denyInput: DenyListRule[] = [];
  const denyOutput: DenyListRule[] = [];
  for (const { document } of ordered) {
    const source = (rule: PolicyRuleName, mode: PolicyMode | undefined): RuleSource => ({
      policy: document.metadata.name,
      rule,
      mode: mode ?? document.mode,
    });
    const { pii, injection: injectionRule, denyList } = document.spec;
    if (pii?.input) {
      piiInput.push({
        source: source('pii.input', pii.input.mode),
        action: pii.input.action,
        entities: pii.input.entities ?? PII_ENTITIES,
        restore: pii.input.restore === true && pii.input.action === 'redact',
      });
    }
    if (pii?.output) {
      piiOutput.push({
        source: source('pii.output', pii.output.mode),
        action: pii.output.action,
        entities: pii.output.entities ?? PII_ENTITIES,
        restore: false,
      });
    }
    if (injectionRule) {
      injection.push({
        source: source('injection', injectionRule.mode),
        action: injectionRule.action,
        threshold: injectionRule.threshold ?? DEFAULT_INJECTION_THRESHOLD,
        external: injectionRule.external ?? null,
      });
    }
    if (denyList?.input) {
      denyInput.push({
        source: source('denyList.input', denyList.mode),
        action: denyList.action,
        list: compileDenyList(denyList.input),
      });
    }
    if (denyList?.output) {
      denyOutput.push({
        source: source('denyList.output', denyList.mode),
        action: denyList.action,
        list: compileDenyList(denyList.output),
      });
    }
  }
  return {
    sources: ordered.map(({ document, version }) => ({ policy: document.metadata.name, version })),
    access,
    validation,
    piiInput,
    piiOutput,
    injection,
    denyInput,
    denyOutput,
    logging: effectiveLogging(ordered.map(({ document }) => document.spec.logging)),
  };
}

/**
 * The scopes' `logging` sections as one setting, the more private one winning: bodies are stored when some scope
 * turns them on and none turns them off (so a tenant can opt in where the platform is silent, and a platform or
 * product `bodies: false` is a floor no tenant lifts, while a tenant's `false` overrides the platform's `true`), and
 * kept for the shortest `retentionDays` any scope sets.
 */
export function effectiveLogging(sections: readonly (LoggingRules | undefined)[]): EffectiveLogging {
  let on = false;
  let off = false;
  let retentionDays: number | null = null;
  for (const section of sections) {
    if (section?.bodies === true) on = true;
    if (section?.bodies === false) off = true;
    if (section?.retentionDays !== undefined)
      retentionDays = Math.min(retentionDays ?? Infinity, section.retentionDays);
  }
  return { bodies: on && !off, retentionDays: retentionDays ?? DEFAULT_BODY_RETENTION_DAYS };
}

const PII_ACTION_RANK: Record<PiiAction, number> = { log: 0, redact: 1, block: 2 };

/** What the `pii.input` rules do with one entity found in a request. */
export interface PiiEntityDecision {
  /** The strictest enforced rule that names the entity (block > redact > log); null when none does. */
  act: PiiRule | null;
  /** Monitored rules that would have done more than `act` (reported, never acted on). */
  monitored: PiiRule[];
}

/**
 * Settles one entity across the scopes' `pii.input` rules: the stricter action wins, so a tenant can make the
 * platform's `log` a `redact` or a `block`, never the reverse.
 */
export function piiDecision(rules: readonly PiiRule[], entity: PiiEntity): PiiEntityDecision {
  let act: PiiRule | null = null;
  for (const rule of rules) {
    if (rule.source.mode !== 'enforce' || !rule.entities.includes(entity)) continue;
    if (act === null || PII_ACTION_RANK[rule.action] > PII_ACTION_RANK[act.action]) act = rule;
  }
  const floor = act === null ? -1 : PII_ACTION_RANK[act.action];
  const monitored = rules.filter(
    (rule) => rule.source.mode === 'monitor' && rule.entities.includes(entity) && PII_ACTION_RANK[rule.action] > floor,
  );
  return { act, monitored };
}

/** Whether some enforced `pii.input` rule redacts with `restore`: the answer's placeholders are then restored. */
export function restoresPii(rules: readonly PiiRule[]): boolean {
  return rules.some((rule) => rule.restore && rule.source.mode === 'enforce');
}

/** Every entity some PII rule names: what the detectors look for. */
export function piiEntitiesOf(rules: readonly PiiRule[]): PiiEntity[] {
  return PII_ENTITIES.filter((entity) => rules.some((rule) => rule.entities.includes(entity)));
}

/** What the access rules see of a call. */
export interface AccessFacts {
  /** The public model name; null for an HTTP product's call (model rules do not apply). */
  model: string | null;
  /** The client's address as the gateway sees it (after its trusted proxies); null when unknown. */
  clientIp: string | null;
  /** Epoch ms. */
  now: number;
  /** The tenant's IANA time zone, which the hours rules read. */
  timeZone: string;
  keyMetadata: Readonly<Record<string, string>>;
}

/** A rule that refused the call, or would have in monitor mode, with a message that names it. */
export interface AccessFinding {
  source: RuleSource;
  message: string;
}

export interface AccessDecision {
  /** The first enforced rule that refuses the call; null when the call may go on. */
  refusal: AccessFinding | null;
  /** Monitored rules that would have refused it (recorded, never acted on). */
  monitored: AccessFinding[];
}

/**
 * The access rules' decision for one call: each rule of each scope in turn (models denied, models allowed,
 * source addresses, hours, key metadata); the first enforced one that does not hold refuses. Monitored rules are
 * all checked, so that a report shows every rule that would have acted.
 */
export function evaluateAccess(access: EffectiveAccess, facts: AccessFacts): AccessDecision {
  const decision: AccessDecision = { refusal: null, monitored: [] };
  const found = (source: RuleSource, message: string): boolean => {
    if (source.mode === 'monitor') {
      decision.monitored.push({ source, message });
      return false;
    }
    decision.refusal = { source, message };
    return true;
  };
  const { model } = facts;
  if (model !== null) {
    for (const { source, value } of access.denyModels) {
      if (value.has(model) && found(source, `the model '${model}' may not be called`)) return decision;
    }
    for (const { source, value } of access.allowModels) {
      if (!value.has(model) && found(source, `the model '${model}' is not among the models allowed`)) {
        return decision;
      }
    }
  }
  if (access.sourceIps.length > 0) {
    const address = parseClientAddress(facts.clientIp);
    for (const { source, value } of access.sourceIps) {
      if (!inRanges(address, value)) {
        const shown = facts.clientIp ?? 'unknown';
        if (found(source, `calls from ${shown} are not allowed`)) return decision;
      }
    }
  }
  if (access.hours.length > 0) {
    const { weekday, minute } = localWeekTime(facts.now, facts.timeZone);
    for (const { source, value } of access.hours) {
      if (!inWindows(value, weekday, minute)) {
        const message = `calls are not allowed at this time (${weekday} ${clock(minute)}, ${facts.timeZone})`;
        if (found(source, message)) return decision;
      }
    }
  }
  for (const { source, value } of access.keyMetadata) {
    for (const [label, allowed] of value) {
      const actual = facts.keyMetadata[label];
      if (actual === undefined || !allowed.includes(actual)) {
        const wanted = allowed.length === 1 ? `'${allowed[0]}'` : `one of ${allowed.map((v) => `'${v}'`).join(', ')}`;
        if (found(source, `the API key's metadata label '${label}' must be ${wanted}`)) return decision;
        break;
      }
    }
  }
  return decision;
}

/** The rules of the effective policy, in the order a call is checked against them (for people, not for calls). */
export function effectiveRules(policies: readonly VersionedPolicy[]): EffectiveRuleView[] {
  const ordered = byScope(policies);
  const views: EffectiveRuleView[] = [];
  for (const name of ACCESS_RULE_ORDER) {
    for (const { document, version } of ordered) {
      const rule = document.spec.access?.[name];
      if (rule === undefined) continue;
      const { mode, ...settings } = rule;
      views.push({
        policy: document.metadata.name,
        version,
        rule: `access.${name}`,
        mode: mode ?? document.mode,
        settings,
      });
    }
  }
  for (const [name, read] of [
    ['validation', (document: PolicyDocument) => document.spec.validation],
    ['pii.input', (document: PolicyDocument) => document.spec.pii?.input],
    ['injection', (document: PolicyDocument) => document.spec.injection],
    ['denyList.input', (document: PolicyDocument) => sideOf(document.spec.denyList, 'input')],
    ['pii.output', (document: PolicyDocument) => document.spec.pii?.output],
    ['denyList.output', (document: PolicyDocument) => sideOf(document.spec.denyList, 'output')],
    // The logging section has no mode: it decides what is stored, never refuses, so the document's mode is shown.
    [
      'logging',
      (document: PolicyDocument) => document.spec.logging as (LoggingRules & { mode?: PolicyMode }) | undefined,
    ],
  ] as const) {
    for (const { document, version } of ordered) {
      const rule = read(document);
      if (rule === undefined) continue;
      const { mode, ...settings } = rule;
      views.push({
        policy: document.metadata.name,
        version,
        rule: name,
        mode: mode ?? document.mode,
        settings: withoutHeaderValues(settings),
      });
    }
  }
  return views;
}

/**
 * Settings as people may read them: an external guardrail's header values (its credentials) are masked, since the
 * effective policy is shown to tenants whose own document did not set them.
 */
function withoutHeaderValues(settings: Record<string, unknown>): Record<string, unknown> {
  const external = settings.external as ExternalGuardrailConfig | undefined;
  if (external?.headers === undefined) return settings;
  const headers = Object.fromEntries(Object.keys(external.headers).map((name) => [name, '********']));
  return { ...settings, external: { ...external, headers } };
}

/** One side of a deny list as its own rule (`denyList.input`: its patterns, action and mode). */
function sideOf(
  rule: DenyListRules | undefined,
  side: 'input' | 'output',
): { patterns: string[]; action: ContentAction; mode?: PolicyMode } | undefined {
  const patterns = rule?.[side];
  return rule === undefined || patterns === undefined ? undefined : { patterns, action: rule.action, mode: rule.mode };
}

function byScope(policies: readonly VersionedPolicy[]): VersionedPolicy[] {
  return [...policies].sort((a, b) => scopeRank(a.document) - scopeRank(b.document));
}

function scopeRank(document: PolicyDocument): number {
  const scope = policyScopeOf(document.metadata.name);
  return scope === null ? SCOPE_ORDER.tenant : SCOPE_ORDER[scope.kind];
}

function parseRange(range: string): ParsedRange {
  if (range.includes('/')) return ipaddr.parseCIDR(range);
  const address = ipaddr.parse(range);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** Client addresses parsed lately: a client calls many times, and parsing one costs more than the checks. */
const parsedAddresses = new Map<string, ipaddr.IPv4 | ipaddr.IPv6 | null>();
const PARSED_ADDRESSES_KEPT = 10_000;

/** The client's address, an IPv4-mapped IPv6 one as the IPv4 it carries; null when unreadable. */
function parseClientAddress(ip: string | null): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ip === null) return null;
  let address = parsedAddresses.get(ip);
  if (address === undefined) {
    address = ipaddr.isValid(ip) ? ipaddr.process(ip) : null;
    if (parsedAddresses.size >= PARSED_ADDRESSES_KEPT) parsedAddresses.clear();
    parsedAddresses.set(ip, address);
  }
  return address;
}

function inRanges(address: ipaddr.IPv4 | ipaddr.IPv6 | null, ranges: readonly ParsedRange[]): boolean {
  if (address === null) return false;
  for (const range of ranges) {
    const [network] = range;
    if (network.kind() === address.kind() && address.match(range)) return true;
  }
  return false;
}

function minuteWindow(window: HoursWindow): MinuteWindow {
  return { days: window.days, from: minuteOfDay(window.from), to: minuteOfDay(window.to) };
}

function inWindows(windows: readonly MinuteWindow[], weekday: Weekday, minute: number): boolean {
  for (const window of windows) {
    if (minute >= window.from && minute < window.to && window.days.includes(weekday)) return true;
  }
  return false;
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
