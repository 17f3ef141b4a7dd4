import { type RedisKeys } from '../redis-keys';
import { type EnforcedLimitName, type ScopeKind } from './limits.types';

/**
 * Redis key names of the limits engine. All of them are in the tenant's hash slot (`{t:<tenantId>}`), so one
 * script may touch them all on Redis Cluster.
 *
 * - `limits:reservations`                         zset: reservation id → expiry (ms), the purge index
 * - `limits:reservation:<id>`                     hash: state, expiry, what it charged (JSON)
 * - `limits:rate:<scope>:<id>:<rpm|tpm>`          hash: token bucket level (scaled) and its time
 * - `limits:leases:<scope>:<id>`                  zset: reservation id → lease expiry (ms)
 * - `limits:quota:<scope>:<id>:<limit>:<period>`  string: used + reserved (tokens, calls or micro-USD)
 */
export class LimitKeys {
  constructor(private readonly keys: RedisKeys) {}

  reservationIndex(tenantId: string): string {
    return this.keys.tenant(tenantId, 'limits', 'reservations');
  }

  /** What a reservation's id is appended to; the purge builds the records of expired ids with it. */
  reservationPrefix(tenantId: string): string {
    return `${this.keys.tenant(tenantId, 'limits', 'reservation')}:`;
  }

  reservation(tenantId: string, reservationId: string): string {
    return this.reservationPrefix(tenantId) + reservationId;
  }

  bucket(tenantId: string, scope: ScopeKind, scopeId: string, limit: 'rpm' | 'tpm'): string {
    return this.keys.tenant(tenantId, 'limits', 'rate', scope, scopeId, limit);
  }

  leases(tenantId: string, scope: ScopeKind, scopeId: string): string {
    return this.keys.tenant(tenantId, 'limits', 'leases', scope, scopeId);
  }

  counter(tenantId: string, scope: ScopeKind, scopeId: string, limit: EnforcedLimitName, periodId: string): string {
    return this.keys.tenant(tenantId, 'limits', 'quota', scope, scopeId, limit, periodId);
  }
}
