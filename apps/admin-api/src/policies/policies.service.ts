import { Injectable, Logger } from '@nestjs/common';
import {
  asTenantId,
  type InvalidationMessage,
  type PolicyListResponse,
  type PolicyResponse,
  type PolicyValidationResponse,
  type PolicyVersionDetailResponse,
  type PolicyVersionRefResponse,
  type PutPolicyRequest,
  type RollbackPolicyRequest,
  type TenantId,
} from '@gatehouse/contracts';
import {
  type DbTransaction,
  type Policy,
  PolicyRepository,
  type PolicyTarget,
  type PolicyVersion,
  ProductRepository,
  TenantRepository,
  TransactionRunner,
} from '@gatehouse/db';
import {
  fieldOf,
  parsePolicyYaml,
  type PolicyDocument,
  policyJsonSchema,
  policyLineAt,
  type PolicyProblem,
  policyScopeOf,
} from '@gatehouse/domain';
import { InvalidationPublisher } from '@gatehouse/redis';
import { AuditService } from '../audit/audit.service';
import { type Actor } from '../auth/authenticated-user';
import { ApiError } from '../common/errors/api-error';
import { modeColumn, toPolicyProblem, toPolicyResponse, toPolicySummary, toPolicyVersionDetail } from './policy-mapper';

/** What a document was checked to be: its problems, or the document with the row it governs. */
type CheckedPolicy =
  { ok: true; document: PolicyDocument; target: PolicyTarget } | { ok: false; problems: PolicyProblem[] };

/** Where a document's references are looked up: the primary, or the transaction that saves the document. */
interface Lookups {
  products: ProductRepository;
  tenants: TenantRepository;
}

/** The name a tenant's own document is saved under. */
export function tenantPolicyName(tenantId: TenantId): string {
  return `tenant:${tenantId}`;
}

/**
 * Policy documents and their versions. A change (a PUT or a rollback) is a new immutable version put in force in
 * the transaction that audits it, then announced to the gateways. A document is checked against the schema and
 * against what it names: its product or tenant, and the public model names of its access rules.
 */
@Injectable()
export class PoliciesService {
  private readonly logger = new Logger(PoliciesService.name);

  constructor(
    private readonly policies: PolicyRepository,
    private readonly products: ProductRepository,
    private readonly tenants: TenantRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly invalidations: InvalidationPublisher,
  ) {}

  schema(): Record<string, unknown> {
    return policyJsonSchema();
  }

  async list(): Promise<PolicyListResponse> {
    return { items: (await this.policies.list()).map(toPolicySummary) };
  }

  async get(name: string): Promise<PolicyResponse> {
    const policy = await this.policies.findByName(name);
    if (!policy) throw policyNotFound();
    return toPolicyResponse(policy, await this.policies.versions(policy.id));
  }

  /** One version's text and author, for a diff between versions. */
  async version(name: string, version: number): Promise<PolicyVersionDetailResponse> {
    const policy = await this.policies.findByName(name);
    if (!policy) throw policyNotFound();
    const found = await this.policies.findVersionEntry(policy.id, version);
    if (!found) throw ApiError.notFound('Policy version');
    return toPolicyVersionDetail(found);
  }

  /** `name`: the name the document will be saved under, when the caller knows it (a tenant's own document). */
  async validate(yaml: string, name?: string): Promise<PolicyValidationResponse> {
    const checked = await this.check({ products: this.products, tenants: this.tenants }, yaml, name);
    return { valid: checked.ok, errors: checked.ok ? [] : checked.problems.map(toPolicyProblem) };
  }

  async put(actor: Actor, name: string, request: PutPolicyRequest): Promise<PolicyVersionRefResponse> {
    const { policy, version } = await this.transactions.run(async (tx) => {
      const checked = await this.check(
        { products: new ProductRepository(tx), tenants: new TenantRepository(tx) },
        request.yaml,
        name,
      );
      if (!checked.ok) throw invalidPolicy(checked.problems);
      const policies = new PolicyRepository(tx);
      const before = await policies.lockOrCreate(checked.target);
      if (request.expectedVersion !== undefined && request.expectedVersion !== before.activeVersion) {
        throw versionConflict(name, request.expectedVersion, before.activeVersion);
      }
      const published = await policies.publish(before, {
        mode: modeColumn(checked.document.mode),
        yaml: request.yaml,
        message: request.message ?? null,
        createdById: actor.userId,
      });
      await this.recordChange(tx, actor, 'policy.publish', before, published);
      return { policy: before, version: published };
    });
    await this.announce(policy);
    return { name: policy.name, version: version.version };
  }

  /**
   * Puts the content of an earlier version in force as a new version. The old text is read again (a gateway must be
   * able to), but its references are not checked again: it was accepted once, and a rollback is what an admin
   * reaches for in a hurry.
   */
  async rollback(actor: Actor, name: string, request: RollbackPolicyRequest): Promise<PolicyVersionRefResponse> {
    const { policy, version } = await this.transactions.run(async (tx) => {
      const policies = new PolicyRepository(tx);
      const before = await policies.lockByName(name);
      if (!before) throw policyNotFound();
      const restored = await policies.findVersion(before.id, request.version);
      if (!restored) throw ApiError.notFound('Policy version');
      const parsed = parsePolicyYaml(restored.yaml);
      if (!parsed.ok) throw invalidPolicy(parsed.problems);
      const published = await policies.publish(before, {
        mode: restored.mode,
        yaml: restored.yaml,
        message: request.message ?? `Rollback to version ${restored.version}`,
        createdById: actor.userId,
      });
      await this.recordChange(tx, actor, 'policy.rollback', before, published, restored.version);
      return { policy: before, version: published };
    });
    await this.announce(policy);
    return { name: policy.name, version: version.version };
  }

  /** The schema's problems, then those of what the document names (only a schema-valid document is looked into). */
  private async check(lookups: Lookups, yaml: string, name: string | undefined): Promise<CheckedPolicy> {
    const parsed = parsePolicyYaml(yaml);
    if (!parsed.ok) return parsed;
    const document = parsed.document;
    const problems: PolicyProblem[] = [];
    const problem = (path: (string | number)[], reason: string) =>
      problems.push({ field: fieldOf(path), reason, line: policyLineAt(yaml, path) });

    if (name !== undefined && document.metadata.name !== name) {
      problem(['metadata', 'name'], `must be "${name}", the name this document is saved under`);
    }
    const target = await targetOf(lookups, document.metadata.name);
    if (typeof target === 'string') problem(['metadata', 'name'], target);

    const access = document.spec.access;
    const named = (['allowModels', 'denyModels'] as const).flatMap((rule) =>
      (access?.[rule]?.models ?? []).map((model, index) => ({
        model,
        path: ['spec', 'access', rule, 'models', index],
      })),
    );
    const known = await lookups.products.existingAliases(named.map((entry) => entry.model));
    for (const { model, path } of named) {
      if (!known.has(model)) problem(path, `"${model}" is not a public model name of the catalog`);
    }
    if (problems.length > 0 || typeof target === 'string') return { ok: false, problems };
    return { ok: true, document, target };
  }

  private async recordChange(
    tx: DbTransaction,
    actor: Actor,
    action: 'policy.publish' | 'policy.rollback',
    before: Policy,
    published: PolicyVersion,
    restoredVersion?: number,
  ): Promise<void> {
    await this.audit.record(tx, {
      actor,
      action,
      targetType: 'policy',
      targetId: before.id,
      tenantId: before.tenantId,
      before: { name: before.name, activeVersion: before.activeVersion },
      after: {
        name: before.name,
        activeVersion: published.version,
        ...(restoredVersion === undefined ? {} : { restoredVersion }),
        mode: published.mode,
        message: published.message,
        yaml: published.yaml,
      },
    });
  }

  /** After commit; a Redis failure is logged, not returned (gateways converge within their cache TTL). */
  private async announce(policy: Policy): Promise<void> {
    const message: InvalidationMessage = { kind: 'policy', name: policy.name, tenantId: policy.tenantId };
    try {
      await this.invalidations.publish(message);
    } catch (error) {
      this.logger.error(`Invalidation of policy ${policy.name} not published: ${String(error)}`);
    }
  }
}

/** The row a (schema-valid) name governs, or why its product or tenant cannot be it. */
async function targetOf(lookups: Lookups, name: string): Promise<PolicyTarget | string> {
  const scope = policyScopeOf(name);
  switch (scope?.kind) {
    case 'product': {
      const product = await lookups.products.findBySlug(scope.productSlug);
      if (!product) return `no product has the slug "${scope.productSlug}"`;
      return { name, scope: 'PRODUCT', tenantId: null, productId: product.id };
    }
    case 'tenant': {
      // The name's pattern admits only a well-formed id; whether a tenant has it is what is asked here.
      const tenant = await lookups.tenants.findById(asTenantId(scope.tenantId));
      if (!tenant) return `no tenant has the id "${scope.tenantId}"`;
      return { name, scope: 'TENANT', tenantId: tenant.id, productId: null };
    }
    case 'global':
      return { name, scope: 'GLOBAL', tenantId: null, productId: null };
    default:
      return 'must be global, product:<product slug> or tenant:<tenant id>';
  }
}

function versionConflict(name: string, expected: number | null, inForce: number | null): ApiError {
  const wanted = expected === null ? 'no version yet' : `version ${expected}`;
  const found = inForce === null ? 'none' : `version ${inForce}`;
  return ApiError.conflict(
    'policy_version_conflict',
    `The change was made against ${wanted} of ${name}, but ${found} is in force now: read it again.`,
  );
}

function policyNotFound(): ApiError {
  return ApiError.notFound('Policy');
}

/** A 400 naming each problem's YAML path; the line leads the reason, where a reader of the error looks first. */
function invalidPolicy(problems: PolicyProblem[]): ApiError {
  return ApiError.badRequest(
    'validation_failed',
    'The policy document is not valid: see details for each problem.',
    problems.map((problem) => ({
      field: problem.field,
      reason: problem.line === null ? problem.reason : `line ${problem.line}: ${problem.reason}`,
      line: problem.line,
    })),
  );
}
