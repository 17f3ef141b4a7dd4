import { Injectable, Logger } from '@nestjs/common';
import {
  asTenantId,
  type DryRunCall,
  type DryRunOutcome,
  type DryRunRequest,
  type DryRunResponse,
  type DryRunRuleCount,
  type DryRunWindowResult,
  type EffectivePolicyResponse,
  type PolicyActivityQuery,
  type PolicyActivityResponse,
  type PolicyDecision,
  type TenantId,
} from '@gatehouse/contracts';
import {
  PolicyRepository,
  ProductRepository,
  type RecordedCall,
  TenantRepository,
  UsageReportRepository,
} from '@gatehouse/db';
import {
  type AccessDecision,
  type EffectiveAccess,
  type EffectivePolicy,
  effectivePolicy,
  effectiveRules,
  evaluateAccess,
  parsePolicyYaml,
  type VersionedPolicy,
} from '@gatehouse/domain';
import { ApiError } from '../common/errors/api-error';
import { PoliciesService } from './policies.service';

/** Recorded calls a dry-run reads at most, the newest first. */
export const DRY_RUN_WINDOW_CALLS = 100_000;
const DRY_RUN_WINDOW_MAX_MS = 31 * 24 * 60 * 60 * 1000;
const SAMPLES_KEPT = 5;
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * A policy rule's decision as the gateway records it in the usage event: `block:access.hours@tenant:<id>`,
 * `redact:pii.input.EMAIL@global` (the entity after the rule), `error:injection.external@global` (a guardrail
 * service that gave no verdict), `log:denyList.input@product:<slug>`.
 */
const POLICY_ACTION =
  /^(block|redact|log|monitor|error):(access\.[A-Za-z]+|validation|injection|(?:pii|denyList)\.(?:input|output))(?:\.([A-Za-z_]+))?@(.+)$/;
/**
 * Rules that a recorded call cannot tell: its client address is not recorded. A window's evaluation leaves them out
 * (and says so); the calls described in the request have one. Key labels are read as the keys have them now.
 */
const NOT_RECORDED = ['access.sourceIps'] as const;

/** The documents in force, by name, as the gateways read them. */
type DocumentSet = ReadonlyMap<string, VersionedPolicy>;

/** Who a dry-run is for: a platform admin (any tenant) or one tenant's owners (their own document and calls). */
export type DryRunScope = { kind: 'platform' } | { kind: 'tenant'; tenantId: TenantId };

/**
 * What the policy documents do to calls, without a gateway: the effective policy of a tenant and product as people
 * read it, the dry-run of a candidate document's access rules against given calls and against the calls recorded in
 * a window (content rules read bodies, which are not recorded), and the activity report of what every rule did. It
 * reads the same documents and runs the same evaluation as the gateway (`effectivePolicy`, `evaluateAccess` from the
 * domain library), and changes nothing.
 */
@Injectable()
export class PolicyEvaluationService {
  private readonly logger = new Logger(PolicyEvaluationService.name);

  constructor(
    private readonly policies: PolicyRepository,
    private readonly products: ProductRepository,
    private readonly tenants: TenantRepository,
    private readonly usage: UsageReportRepository,
    private readonly documents: PoliciesService,
  ) {}

  async effective(tenantId: TenantId, product: string | undefined): Promise<EffectivePolicyResponse> {
    const applying = applyingTo(await this.inForce(), tenantId, product ?? null);
    const policy = effectivePolicy(applying);
    return { tenantId, product: product ?? null, sources: [...policy.sources], rules: effectiveRules(applying) };
  }

  /** What the policy rules did to the calls recorded in a window (default: the last 24 hours). */
  async activity(scope: DryRunScope, query: PolicyActivityQuery): Promise<PolicyActivityResponse> {
    const to = query.to === undefined ? new Date() : new Date(query.to);
    const from = query.from === undefined ? new Date(to.getTime() - DAY_MS) : new Date(query.from);
    const range = windowOf({ from: from.toISOString(), to: to.toISOString() });
    const tenantId = scope.kind === 'tenant' ? scope.tenantId : query.tenantId;
    if (scope.kind === 'tenant' && query.tenantId !== undefined && query.tenantId !== scope.tenantId) {
      throw invalidCall('tenantId', 'must be this tenant (or left out)');
    }
    const rows = await this.usage.policyActions(
      tenantId === undefined ? 'platform' : { tenantId: asTenantId(tenantId) },
      range,
    );
    const items = rows.flatMap((row) => {
      const match = POLICY_ACTION.exec(row.action);
      if (match === null) return [];
      const [, decision, rule, detail, policy] = match as unknown as [
        string,
        PolicyDecision,
        string,
        string | undefined,
        string,
      ];
      return [{ tenantId: row.tenantId, policy, rule, detail: detail ?? null, decision, count: row.count }];
    });
    return { from: range.from.toISOString(), to: range.to.toISOString(), items };
  }

  async dryRun(scope: DryRunScope, request: DryRunRequest): Promise<DryRunResponse> {
    const range = request.window === undefined ? null : windowOf(request.window);
    const name = scope.kind === 'tenant' ? `tenant:${scope.tenantId}` : undefined;
    const validation = await this.documents.validate(request.yaml, name);
    const parsed = parsePolicyYaml(request.yaml);
    if (!validation.valid || !parsed.ok) return { valid: false, errors: validation.errors, requests: [], window: null };

    const current = await this.inForce();
    const candidate = new Map(current);
    candidate.set(parsed.document.metadata.name, { document: parsed.document, version: null });
    const evaluator = new Evaluator(current, candidate);

    const requests = [];
    for (const [index, call] of request.requests.entries()) {
      const facts = await this.factsOf(scope, call, index);
      requests.push({
        index,
        candidate: outcomeOf(evaluateAccess(evaluator.candidate(facts.tenantId, facts.product).access, facts)),
        current: outcomeOf(evaluateAccess(evaluator.current(facts.tenantId, facts.product).access, facts)),
      });
    }
    const window = range === null ? null : await this.evaluateWindow(scope, range, evaluator);
    return { valid: true, errors: [], requests, window };
  }

  private async evaluateWindow(
    scope: DryRunScope,
    range: { from: Date; to: Date },
    evaluator: Evaluator,
  ): Promise<DryRunWindowResult> {
    const recorded = await this.usage.recordedCalls(
      scope.kind === 'tenant' ? { tenantId: scope.tenantId } : 'platform',
      range,
      DRY_RUN_WINDOW_CALLS,
    );
    const counts = new Map<string, DryRunRuleCount>();
    const count = (call: RecordedCall, policy: string, rule: string, decision: 'deny' | 'monitor') => {
      const key = `${call.tenantId}\n${policy}\n${rule}\n${decision}`;
      let entry = counts.get(key);
      if (entry === undefined) {
        entry = { tenantId: call.tenantId, policy, rule, decision, count: 0, newlyRefused: 0, samples: [] };
        counts.set(key, entry);
      }
      entry.count += 1;
      if (decision === 'deny' && call.errorCode !== 'policy_access_denied') entry.newlyRefused += 1;
      if (entry.samples.length < SAMPLES_KEPT) {
        entry.samples.push({ requestId: call.requestId, at: call.createdAt.toISOString(), model: call.model });
      }
    };
    for (const call of recorded) {
      const access = evaluator.recorded(call.tenantId, call.productSlug);
      const decision = evaluateAccess(access, {
        model: call.model,
        clientIp: null,
        now: call.createdAt.getTime(),
        timeZone: call.timeZone,
        keyMetadata: call.keyMetadata,
      });
      for (const finding of decision.monitored) count(call, finding.source.policy, finding.source.rule, 'monitor');
      if (decision.refusal !== null) {
        count(call, decision.refusal.source.policy, decision.refusal.source.rule, 'deny');
      }
    }
    const byRule = [...counts.values()].sort(
      (a, b) => b.count - a.count || a.tenantId.localeCompare(b.tenantId) || a.rule.localeCompare(b.rule),
    );
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      evaluated: recorded.length,
      truncated: recorded.length === DRY_RUN_WINDOW_CALLS,
      byRule,
      notEvaluated: [...NOT_RECORDED],
    };
  }

  /** What the access rules see of a given call; its tenant must exist (its time zone is read). */
  private async factsOf(scope: DryRunScope, call: DryRunCall, index: number) {
    const field = (name: string) => `requests[${index}].${name}`;
    let tenantId: string;
    if (scope.kind === 'tenant') {
      if (call.tenantId !== undefined && call.tenantId !== scope.tenantId) {
        throw invalidCall(field('tenantId'), 'must be this tenant (or left out)');
      }
      tenantId = scope.tenantId;
    } else {
      if (call.tenantId === undefined) throw invalidCall(field('tenantId'), 'is required');
      tenantId = call.tenantId;
    }
    const tenant = await this.tenants.findById(asTenantId(tenantId));
    if (!tenant) throw invalidCall(field('tenantId'), `no tenant has the id "${tenantId}"`);
    const model = call.model ?? null;
    let product = call.product ?? null;
    if (product === null && model !== null) {
      const route = await this.products.findModelByAlias(model);
      if (!route) throw invalidCall(field('model'), `"${model}" is not a public model name of the catalog`);
      product = (await this.products.findById(route.productId))?.slug ?? null;
    }
    return {
      tenantId,
      product,
      model,
      clientIp: call.clientIp ?? null,
      now: call.at === undefined ? Date.now() : Date.parse(call.at),
      timeZone: tenant.timeZone,
      keyMetadata: call.keyMetadata ?? {},
    };
  }

  /** Every document in force, read as a gateway reads it: one that no longer parses is left out. */
  private async inForce(): Promise<DocumentSet> {
    const documents = new Map<string, VersionedPolicy>();
    for (const record of await this.policies.inForce()) {
      const parsed = parsePolicyYaml(record.yaml);
      if (!parsed.ok) {
        this.logger.warn(`Policy ${record.name} version ${record.version} no longer parses; it is left out`);
        continue;
      }
      documents.set(record.name, { document: parsed.document, version: record.version });
    }
    return documents;
  }
}

/** Effective policies of the current and the candidate documents, each built once per (tenant, product). */
class Evaluator {
  private readonly built = new Map<string, EffectivePolicy>();
  private readonly withoutUnrecorded = new Map<string, EffectiveAccess>();

  constructor(
    private readonly currentDocuments: DocumentSet,
    private readonly candidateDocuments: DocumentSet,
  ) {}

  current(tenantId: string, product: string | null): EffectivePolicy {
    return this.policy('current', this.currentDocuments, tenantId, product);
  }

  candidate(tenantId: string, product: string | null): EffectivePolicy {
    return this.policy('candidate', this.candidateDocuments, tenantId, product);
  }

  /** The candidate's access rules without those a recorded call cannot tell (`NOT_RECORDED`). */
  recorded(tenantId: string, product: string | null): EffectiveAccess {
    const key = `${tenantId}\n${product ?? ''}`;
    let access = this.withoutUnrecorded.get(key);
    if (access === undefined) {
      access = { ...this.candidate(tenantId, product).access, sourceIps: [] };
      this.withoutUnrecorded.set(key, access);
    }
    return access;
  }

  private policy(set: string, documents: DocumentSet, tenantId: string, product: string | null): EffectivePolicy {
    const key = `${set}\n${tenantId}\n${product ?? ''}`;
    let policy = this.built.get(key);
    if (policy === undefined) {
      policy = effectivePolicy(applyingTo(documents, tenantId, product));
      this.built.set(key, policy);
    }
    return policy;
  }
}

/** The documents that govern a tenant's calls to a product: global, the product's, the tenant's. */
function applyingTo(documents: DocumentSet, tenantId: string, product: string | null): VersionedPolicy[] {
  const names = ['global', product === null ? null : `product:${product}`, `tenant:${tenantId}`];
  return names.flatMap((name) => {
    const document = name === null ? undefined : documents.get(name);
    return document === undefined ? [] : [document];
  });
}

function outcomeOf(decision: AccessDecision): DryRunOutcome {
  const finding = decision.refusal ?? decision.monitored[0] ?? null;
  if (finding === null) return { decision: 'allow', policy: null, rule: null, message: null };
  return {
    decision: decision.refusal === null ? 'monitor' : 'deny',
    policy: finding.source.policy,
    rule: finding.source.rule,
    message: finding.message,
  };
}

function windowOf(window: NonNullable<DryRunRequest['window']>): { from: Date; to: Date } {
  const from = new Date(window.from);
  const to = new Date(window.to);
  if (to.getTime() <= from.getTime()) throw invalidCall('window.to', 'must be after window.from');
  if (to.getTime() - from.getTime() > DRY_RUN_WINDOW_MAX_MS) throw invalidCall('window', 'may span at most 31 days');
  return { from, to };
}

function invalidCall(field: string, reason: string): ApiError {
  return ApiError.badRequest('validation_failed', `The dry-run request is not valid: ${field} ${reason}.`, [
    { field, reason },
  ]);
}
