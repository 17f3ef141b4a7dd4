import { createHash } from 'node:crypto';
import {
  EMPTY_KEY_METADATA,
  type KeyMetadata,
  type KeySnapshot,
  type KeySnapshotSubscription,
} from '@gatehouse/contracts';

/**
 * One copy of each subscription and of each set of metadata labels among the cached key snapshots. A tenant's keys
 * carry the same subscriptions (with their limits, modes and model lists: most of a snapshot's size), and often the
 * same labels (`team: search`), so the cache keeps each once and a cached key costs little more than its own fields;
 * every key without labels shares one frozen empty object. Snapshots and what they hold are never changed after they
 * are built, which is what makes sharing safe.
 */
export class SnapshotInterner {
  private readonly subscriptions = new SharedCopies<KeySnapshotSubscription>();
  private readonly labelSets = new SharedCopies<KeyMetadata>();

  /** The snapshot with its subscriptions and labels replaced by the shared copies (made shared when first seen). */
  intern(snapshot: KeySnapshot): KeySnapshot {
    const labels = snapshot.keyMetadata;
    // Every field by name rather than a spread: V8 gives a spread copy spare room, about 30 bytes per cached key
    // (bench/support/key-cache-memory.ts). The type makes a field added to the snapshot, optional or not, a compile
    // error here until it is copied.
    const interned: { [Field in keyof Required<KeySnapshot>]: KeySnapshot[Field] } = {
      keyId: snapshot.keyId,
      tenantId: snapshot.tenantId,
      tenantStatus: snapshot.tenantStatus,
      status: snapshot.status,
      mode: snapshot.mode,
      expiresAt: snapshot.expiresAt,
      graceExpiresAt: snapshot.graceExpiresAt,
      scope: snapshot.scope,
      subscriptions: snapshot.subscriptions.map((subscription) => this.subscriptions.shared(subscription)),
      tenantTimeZone: snapshot.tenantTimeZone,
      tenantMonthlyBudgetUsd: snapshot.tenantMonthlyBudgetUsd,
      keyLimits: snapshot.keyLimits,
      keyMetadata: Object.keys(labels).length === 0 ? EMPTY_KEY_METADATA : this.labelSets.shared(labels),
      loadedAt: snapshot.loadedAt,
    };
    return interned;
  }

  /** Distinct subscriptions held (for tests). */
  get size(): number {
    return this.subscriptions.size;
  }

  /** Distinct non-empty label sets held (for tests). */
  get labelSetCount(): number {
    return this.labelSets.size;
  }
}

/**
 * Values by their JSON (hashed with SHA-256, so that the table's keys stay short), held weakly: a copy is dropped
 * once nothing else holds it.
 */
class SharedCopies<T extends object> {
  private readonly copies = new Map<string, WeakRef<T>>();
  private readonly collected = new FinalizationRegistry<string>((digest) => {
    if (this.copies.get(digest)?.deref() === undefined) this.copies.delete(digest);
  });

  get size(): number {
    return this.copies.size;
  }

  shared(value: T): T {
    const digest = createHash('sha256').update(JSON.stringify(value)).digest('base64');
    const existing = this.copies.get(digest)?.deref();
    if (existing !== undefined) return existing;
    this.copies.set(digest, new WeakRef(value));
    this.collected.register(value, digest);
    return value;
  }
}
