/**
 * Builds Redis key names from the deployment's brace-free prefix (`gatehouse`).
 *
 * Redis Cluster hashes only a key's first `{...}`. Every key that one Lua script touches for a tenant carries the
 * tenant's hash tag, `{t:<tenantId>}`, as its first braces (`gatehouse:{t:<id>}:…`), so the scripts run unchanged on a
 * cluster and tenants spread over its slots; a braced prefix would put every tenant in one slot. Keys of no tenant
 * use the prefix alone. BullMQ queues, whose scripts touch many keys of one queue, get the hash-tagged
 * `queuePrefix` (`{gatehouse}`) instead.
 */
export class RedisKeys {
  constructor(private readonly prefix: string) {
    assertBraceFree(prefix);
  }

  /** Prefix for keys that belong to no tenant (caches keyed by hash, invalidation channels). */
  global(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  /** A key in the tenant's hash slot. */
  tenant(tenantId: string, ...parts: string[]): string {
    return [this.prefix, `{t:${tenantId}}`, ...parts].join(':');
  }

  /** The pub/sub channel on which admin-api announces changes the gateway must drop from its caches. */
  invalidationChannel(): string {
    return this.global('invalidation');
  }
}

/** BullMQ's `prefix` for a deployment prefix: hash-tagged, so each queue's keys share one cluster slot. */
export function queuePrefix(prefix: string): string {
  assertBraceFree(prefix);
  return `{${prefix}}`;
}

function assertBraceFree(prefix: string): void {
  if (/[{}]/.test(prefix)) {
    throw new Error(
      `Redis key prefix "${prefix}" must not contain braces: the tenant's {t:<id>} must be a key's first`,
    );
  }
}
