import { Injectable } from '@nestjs/common';
import { AuditRepository, type DbTransaction, Prisma } from '@gatehouse/db';
import { auditEventHash, GENESIS_HASH, stripSecrets } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import { type Actor } from '../auth/authenticated-user';

export interface AuditEntry {
  actor: Actor;
  /** `<target>.<verb>`, e.g. `api_key.create`, `subscription.approve`. */
  action: string;
  targetType: string;
  targetId: string | null;
  tenantId: string | null;
  /** Snapshots before and after the change; secret-bearing properties are removed before they are stored. */
  before?: unknown;
  after?: unknown;
}

/**
 * Appends control-plane writes to the hash-chained audit trail. `record` takes the transaction of the write
 * it describes, so that the write and its audit event commit together or not at all.
 */
@Injectable()
export class AuditService {
  async record(tx: DbTransaction, entry: AuditEntry): Promise<void> {
    const audit = new AuditRepository(tx);
    const prevHash = (await audit.lockChainHead()) ?? GENESIS_HASH;
    const content = {
      id: randomUUID(),
      actorUserId: entry.actor.userId,
      actorIp: entry.actor.ip,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      tenantId: entry.tenantId,
      // Round-trip through JSON so the hash covers exactly what the jsonb column will hand back.
      before: toJson(entry.before),
      after: toJson(entry.after),
      createdAt: new Date(),
    };
    await audit.append({ ...content, prevHash, hash: auditEventHash(prevHash, content) });
  }
}

function toJson(value: unknown): Prisma.InputJsonValue | null {
  if (value === undefined || value === null) return null;
  return JSON.parse(
    JSON.stringify(stripSecrets(value), (_key, child: unknown) =>
      typeof child === 'bigint' ? child.toString() : child,
    ),
  ) as Prisma.InputJsonValue;
}
