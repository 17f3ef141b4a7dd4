import { Injectable } from '@nestjs/common';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { GatewaySnapshotRepository } from '@gatehouse/db';
import { type EffectivePolicy, effectivePolicy, parsePolicyYaml, type VersionedPolicy } from '@gatehouse/domain';
import { InvalidationSubscriber } from '../common/invalidation.subscriber';
import { RefreshingIndex } from '../common/refreshing-index';

/** (tenant, product) pairs whose effective policy is kept; past it the memo starts again (cheap to rebuild). */
const EFFECTIVE_KEPT = 10_000;

/**
 * Every policy document in force, as one load read them, and the effective policy of each (tenant, product) built
 * from them once, at its first request after the load: never per request, never from Postgres on the request path.
 */
export class PolicyIndex {
  private readonly effective = new Map<string, EffectivePolicy>();

  constructor(private readonly documents: ReadonlyMap<string, VersionedPolicy>) {}

  get size(): number {
    return this.documents.size;
  }

  /** The global document, the product's (when the call has a product) and the tenant's, merged. */
  effectiveFor(tenantId: string, productSlug: string | null): EffectivePolicy {
    const key = productSlug === null ? tenantId : `${tenantId}\n${productSlug}`;
    let policy = this.effective.get(key);
    if (policy === undefined) {
      const applying: VersionedPolicy[] = [];
      for (const name of ['global', productSlug === null ? null : `product:${productSlug}`, `tenant:${tenantId}`]) {
        const document = name === null ? undefined : this.documents.get(name);
        if (document !== undefined) applying.push(document);
      }
      policy = effectivePolicy(applying);
      if (this.effective.size >= EFFECTIVE_KEPT) this.effective.clear();
      this.effective.set(key, policy);
    }
    return policy;
  }
}

/**
 * The policy documents in force (docs/policies.md), loaded from Postgres at boot, on every `policy` invalidation
 * message (admin-api publishes one after each change: in force within a second), after a resubscription and every
 * five minutes. A load parses each document again; one that no longer parses (written by another version of the
 * schema) is left out and logged as an error rather than failing every request.
 */
@Injectable()
export class GatewayPolicies extends RefreshingIndex<PolicyIndex> {
  constructor(
    private readonly repository: GatewaySnapshotRepository,
    invalidations: InvalidationSubscriber,
  ) {
    super(invalidations, 'The policies are temporarily unavailable; try again shortly.');
  }

  protected async load(): Promise<PolicyIndex> {
    const documents = new Map<string, VersionedPolicy>();
    for (const record of await this.repository.loadActivePolicies()) {
      const parsed = parsePolicyYaml(record.yaml);
      if (!parsed.ok) {
        this.logger.error(
          { policy: record.name, version: record.version, problems: parsed.problems },
          'policy left out',
        );
        continue;
      }
      documents.set(record.name, { document: parsed.document, version: record.version });
    }
    return new PolicyIndex(documents);
  }

  protected reloadsOn(message: InvalidationMessage): boolean {
    return message.kind === 'policy';
  }
}
