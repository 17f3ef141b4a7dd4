import { createHash } from 'node:crypto';
import { type KeySnapshot, type KeySnapshotSubscription } from '@gatehouse/contracts';

/**
 * One copy of each subscription among the cached key snapshots. A tenant's keys carry the same subscriptions (with
 * their limits, modes and model lists: most of a snapshot's size), so the cache keeps each once and a cached key
 * costs little more than its own fields. Two subscriptions are the same when their JSON is (hashed with SHA-256, so
 * that the table's keys stay short); a copy is dropped once no cached snapshot holds it (weak references).
 * Snapshots and their subscriptions are never changed after they are built, which is what makes sharing safe.
 */
export class SnapshotInterner {
  private readonly subscriptions = new Map<string, WeakRef<KeySnapshotSubscription>>();
  private readonly collected = new FinalizationRegistry<string>((digest) => {
    if (this.subscriptions.get(digest)?.deref() === undefined) this.subscriptions.delete(digest);
  });

  /** The snapshot with its subscriptions replaced by the shared copies (made shared when first seen). */
  intern(snapshot: KeySnapshot): KeySnapshot {
    return { ...snapshot, subscriptions: snapshot.subscriptions.map((subscription) => this.shared(subscription)) };
  }

  /** Distinct subscriptions held (for tests). */
  get size(): number {
    return this.subscriptions.size;
  }

  private shared(subscription: KeySnapshotSubscription): KeySnapshotSubscription {
    const digest = createHash('sha256').update(JSON.stringify(subscription)).digest('base64');
    const existing = this.subscriptions.get(digest)?.deref();
    if (existing !== undefined) return existing;
    this.subscriptions.set(digest, new WeakRef(subscription));
    this.collected.register(subscription, digest);
    return subscription;
  }
}
