/**
 * Builds Redis key names. Every key that one Lua script touches for a tenant carries the same hash tag,
 * `{t:<tenantId>}`, so that the scripts run unchanged on Redis Cluster (all keys of one call live in one
 * slot). Keys that are not tenant-scoped use the deployment's prefix alone.
 */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

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
