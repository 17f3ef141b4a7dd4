import { type Policy, type PolicyMode, type PolicyScope, type PolicyVersion } from '../generated/prisma/client';
import { type DbExecutor } from '../prisma-client';

/** A policy with the mode of the version in force (null only for a policy that has none yet). */
export type PolicyWithActive = Policy & { activeMode: PolicyMode | null };

/** One version as its history shows it, with its author's name (null once the author is deleted). */
export type PolicyVersionEntry = PolicyVersion & { createdBy: { id: string; name: string; email: string } | null };

/** Which row a document name governs: exactly one of tenantId and productId for those scopes. */
export interface PolicyTarget {
  name: string;
  scope: PolicyScope;
  tenantId: string | null;
  productId: string | null;
}

/** A policy document's version in force: its name, version number and text. */
export interface PolicyInForce {
  name: string;
  version: number;
  yaml: string;
}

export interface PolicyVersionData {
  mode: PolicyMode;
  yaml: string;
  message: string | null;
  createdById: string | null;
}

/**
 * Policy documents and their immutable versions. Platform-wide: a tenant's document is found by its name
 * (`tenant:<id>`), which the caller builds from the tenant it has resolved.
 */
export class PolicyRepository {
  constructor(private readonly db: DbExecutor) {}

  async list(): Promise<PolicyWithActive[]> {
    const policies = await this.db.policy.findMany({ orderBy: { name: 'asc' } });
    // The modes only: a list does not need the texts of the versions.
    const active = await this.db.policyVersion.findMany({
      select: { policyId: true, mode: true },
      where: {
        OR: policies
          .filter((policy) => policy.activeVersion !== null)
          .map((policy) => ({ policyId: policy.id, version: policy.activeVersion as number })),
      },
    });
    const modes = new Map(active.map((version) => [version.policyId, version.mode]));
    return policies.map((policy) => ({ ...policy, activeMode: modes.get(policy.id) ?? null }));
  }

  /**
   * The version in force of every document that has one. One statement, so every document is seen at the same
   * instant (versions never change once written).
   */
  inForce(): Promise<PolicyInForce[]> {
    return this.db.$queryRaw<PolicyInForce[]>`
      SELECT p.name, v.version, v.yaml
      FROM policies p
      JOIN policy_versions v ON v.policy_id = p.id AND v.version = p.active_version
      ORDER BY p.name`;
  }

  async findByName(name: string): Promise<Policy | null> {
    return this.db.policy.findUnique({ where: { name } });
  }

  /** Newest first, with their authors. */
  async versions(policyId: string): Promise<PolicyVersionEntry[]> {
    return this.db.policyVersion.findMany({
      where: { policyId },
      orderBy: { version: 'desc' },
      include: { createdBy: { select: { id: true, name: true, email: true } } },
    });
  }

  /** One version with its author, as the history shows it. */
  async findVersionEntry(policyId: string, version: number): Promise<PolicyVersionEntry | null> {
    return this.db.policyVersion.findUnique({
      where: { policyId_version: { policyId, version } },
      include: { createdBy: { select: { id: true, name: true, email: true } } },
    });
  }

  async findVersion(policyId: string, version: number): Promise<PolicyVersion | null> {
    return this.db.policyVersion.findUnique({ where: { policyId_version: { policyId, version } } });
  }

  /**
   * The policy of this name, created without a version when it is new, locked until the transaction ends:
   * two concurrent changes of one document get consecutive versions instead of a conflict.
   */
  async lockOrCreate(target: PolicyTarget): Promise<Policy> {
    await this.db.$executeRaw`
      INSERT INTO policies (name, scope, tenant_id, product_id)
      VALUES (${target.name}, ${target.scope}::policy_scope, ${target.tenantId}::uuid, ${target.productId}::uuid)
      ON CONFLICT (name) DO NOTHING`;
    const policy = await this.lockByName(target.name);
    if (!policy) throw new Error(`policy ${target.name} vanished inside its own transaction`);
    return policy;
  }

  /** Locks the policy row until the transaction ends; null when there is none of this name. */
  async lockByName(name: string): Promise<Policy | null> {
    const locked = await this.db.$queryRaw<{ id: string }[]>`SELECT id FROM policies WHERE name = ${name} FOR UPDATE`;
    if (locked.length === 0) return null;
    return this.db.policy.findUnique({ where: { name } });
  }

  /** Appends the next version and puts it in force. Call on a policy locked by `lockOrCreate`. */
  async publish(policy: Policy, data: PolicyVersionData): Promise<PolicyVersion> {
    const latest = await this.db.policyVersion.aggregate({ where: { policyId: policy.id }, _max: { version: true } });
    const version = await this.db.policyVersion.create({
      data: { policyId: policy.id, version: (latest._max.version ?? 0) + 1, ...data },
    });
    await this.db.policy.update({ where: { id: policy.id }, data: { activeVersion: version.version } });
    return version;
  }
}
