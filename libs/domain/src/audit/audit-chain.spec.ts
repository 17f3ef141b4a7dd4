import { auditEventHash, canonicalJson, findChainBreak, GENESIS_HASH, type ChainedAuditEvent } from './audit-chain';

function chain(count: number): ChainedAuditEvent[] {
  const events: ChainedAuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let index = 1; index <= count; index += 1) {
    const content = {
      id: `00000000-0000-4000-8000-00000000000${index}`,
      actorUserId: null,
      actorIp: '127.0.0.1',
      action: 'key.create',
      targetType: 'api_key',
      targetId: `key-${index}`,
      tenantId: null,
      before: null,
      after: { name: `key ${index}`, nested: { b: 1, a: 2 } },
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)),
    };
    const hash = auditEventHash(prevHash, content);
    events.push({ ...content, seq: BigInt(index), prevHash, hash });
    prevHash = hash;
  }
  return events;
}

describe('audit hash chain', () => {
  it('serialises objects the same whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 1, x: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { x: 2, y: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ a: undefined })).toBe('{"a":null}');
  });

  it('accepts an intact chain', () => {
    expect(findChainBreak(chain(5), GENESIS_HASH)).toBeNull();
  });

  it('names an altered event', () => {
    const events = chain(5);
    const [first, second, third, ...rest] = events;
    if (!first || !second || !third) throw new Error('chain too short');
    const altered = [first, second, { ...third, after: { name: 'tampered' } }, ...rest];
    expect(findChainBreak(altered, GENESIS_HASH)).toMatchObject({ kind: 'altered', seq: 3n });
  });

  it('names the event after a deleted one', () => {
    const events = chain(5);
    events.splice(1, 1);
    expect(findChainBreak(events, GENESIS_HASH)).toMatchObject({ kind: 'broken-link', seq: 3n });
  });

  it('names an inserted event, even one whose own hash is consistent', () => {
    const events = chain(4);
    const second = events[1];
    if (!second) throw new Error('chain too short');
    const forged = { ...second, id: 'forged', seq: 25n, prevHash: second.hash };
    forged.hash = auditEventHash(forged.prevHash, forged);
    events.splice(2, 0, forged);
    expect(findChainBreak(events, GENESIS_HASH)).toMatchObject({ kind: 'broken-link', seq: 3n });
  });
});
