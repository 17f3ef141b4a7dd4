import { type RedisKeys } from '../redis-keys';
import { type ScopeKind } from './limits.types';

/**
 * Redis key names of the limits engine. All of them are in the tenant's hash slot (`{t:<tenantId>}`), so one
 * script may touch them all on Redis Cluster.
 *
 * - `limits:held`                zset: reservation id → expiry (ms), the purge index
 * - `limits:held:<id>`           string: what a reservation took, to settle or release it (`decodeReservation`)
 * - `limits:scope:<scope>:<id>`  string: one scope's buckets, leases in flight and current counters
 *                                (`decodeScopeState`): one key per scope, so a request costs one read and one write
 *                                of each (docs/limits.md, "Keys and TTLs")
 *
 * None of these names is one the layout before it used (`limits:reservations`, `limits:quota:…`), so the two never
 * read each other's values (docs/operations.md, "Upgrading").
 */
export class LimitKeys {
  constructor(private readonly keys: RedisKeys) {}

  reservationIndex(tenantId: string): string {
    return this.keys.tenant(tenantId, 'limits', 'held');
  }

  /** What a reservation's id is appended to. */
  reservationPrefix(tenantId: string): string {
    return `${this.keys.tenant(tenantId, 'limits', 'held')}:`;
  }

  reservation(tenantId: string, reservationId: string): string {
    return this.reservationPrefix(tenantId) + reservationId;
  }

  scope(tenantId: string, scope: ScopeKind, scopeId: string): string {
    return this.keys.tenant(tenantId, 'limits', 'scope', scope, scopeId);
  }
}
