import { type AuditEvent, type ExportedCall, Prisma } from '@gatehouse/db';
import {
  auditRecord,
  callRecords,
  jsonLinesBody,
  octetCountedFrame,
  parseDecision,
  splunkHecBody,
  syslogMessage,
} from './siem-records';

const event: AuditEvent = {
  id: '0b6a1f0e-0000-4000-8000-000000000001',
  seq: 42n,
  actorUserId: '0b6a1f0e-0000-4000-8000-000000000002',
  actorIp: '203.0.113.7',
  action: 'key.create',
  targetType: 'api_key',
  targetId: 'k"1]',
  tenantId: null,
  before: null,
  after: { name: 'ci', webhookSecretCiphertext: 'abc', nested: { keyHash: 'h', prefix: 'gh_1' } },
  createdAt: new Date('2026-12-07T10:00:00.123Z'),
  prevHash: '0'.repeat(64),
  hash: 'f'.repeat(64),
};

describe('SIEM records and formats', () => {
  const record = auditRecord(event);

  it('exports an audit event with its id, chain position and no secret-bearing field', () => {
    expect(record.body).toMatchObject({ id: event.id, type: 'gatehouse.audit', seq: '42', action: 'key.create' });
    expect(record.body.after).toEqual({ name: 'ci', nested: { prefix: 'gh_1' } });
    expect(JSON.stringify(record.body)).not.toMatch(/ciphertext|keyHash|prevHash/i);
  });

  it('writes JSON lines, one record per line', () => {
    const body = jsonLinesBody([record, record]);
    const lines = body.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0] ?? '')).toEqual(record.body);
  });

  it('writes Splunk HEC events with epoch seconds and the stream as sourcetype', () => {
    const events = splunkHecBody([record, record])
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({
      time: 1796637600.123,
      source: 'gatehouse',
      sourcetype: 'gatehouse:audit',
      event: record.body,
    });
  });

  it('writes an RFC 5424 message with escaped structured data and the record as JSON', () => {
    const message = syslogMessage({ ...record, name: 'a"b]c\\' }, { hostname: 'gw-1', procId: '77' });
    expect(message).toBe(
      `<109>1 2026-12-07T10:00:00.123Z gw-1 gatehouse 77 audit ` +
        `[gatehouse@32473 id="${event.id}" stream="audit" name="a\\"b\\]c\\\\"] ${JSON.stringify(record.body)}`,
    );
  });

  it('frames a message by its length in bytes, not characters', () => {
    expect(octetCountedFrame('héllo')).toBe('6 héllo');
  });
});

describe('SIEM records of recorded calls', () => {
  const call: ExportedCall = {
    id: '0b6a1f0e-0000-4000-8000-000000000010',
    ingestXid: 812n,
    requestId: 'req_01CALL',
    createdAt: new Date('2026-12-07T10:00:01.500Z'),
    tenantId: '0b6a1f0e-0000-4000-8000-000000000011',
    apiKeyId: '0b6a1f0e-0000-4000-8000-000000000012',
    productId: '0b6a1f0e-0000-4000-8000-000000000013',
    model: 'demo-chat',
    providerId: '0b6a1f0e-0000-4000-8000-000000000014',
    upstreamModel: 'mock-chat',
    endpoint: 'chat.completions',
    statusCode: 400,
    errorCode: 'content_policy_violation',
    latencyMs: 12,
    timeToFirstByteMs: null,
    timeToFirstTokenMs: null,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    costUsd: new Prisma.Decimal('0.000000000'),
    cacheHit: false,
    streamed: false,
    policyActions: ['block:pii.input.CREDIT_CARD@tenant:0b6a1f0e', 'log:injection', 42],
  };

  it('exports a call as the call log shows it, then one record per policy decision', () => {
    const records = callRecords(call);
    expect(records.map((record) => [record.id, record.stream, record.name])).toEqual([
      ['req_01CALL', 'call', 'chat.completions'],
      ['req_01CALL/policy/0', 'policy', 'block:pii.input.CREDIT_CARD'],
      ['req_01CALL/policy/1', 'policy', 'log:injection'],
    ]);
    expect(records[0]?.body).toMatchObject({
      type: 'gatehouse.call',
      requestId: 'req_01CALL',
      keyId: call.apiKeyId,
      status: 400,
      errorCode: 'content_policy_violation',
      costUsd: 0,
      cache: 'miss',
      policy: ['block:pii.input.CREDIT_CARD@tenant:0b6a1f0e', 'log:injection'],
    });
    expect(records[1]?.body).toMatchObject({
      type: 'gatehouse.policy_decision',
      requestId: 'req_01CALL',
      tenantId: call.tenantId,
      action: 'block',
      rule: 'pii.input.CREDIT_CARD',
      policy: 'tenant:0b6a1f0e',
      status: 400,
    });
    expect(records.every((record) => record.time === call.createdAt)).toBe(true);
  });

  it('exports a call without decisions (or with none readable) as one record', () => {
    expect(callRecords({ ...call, policyActions: null })).toHaveLength(1);
    expect(callRecords({ ...call, policyActions: [{ policy: 'pii', action: 'redact' }] })).toHaveLength(1);
  });

  it('reads a decision as action, rule and the policy that made it', () => {
    expect(parseDecision('redact:pii.output.EMAIL@product:demo')).toEqual({
      action: 'redact',
      rule: 'pii.output.EMAIL',
      policy: 'product:demo',
    });
    expect(parseDecision('monitor:rpm')).toEqual({ action: 'monitor', rule: 'rpm', policy: null });
  });

  it('puts decisions under their own Splunk sourcetype and syslog message id', () => {
    const [callRecord, decision] = callRecords(call);
    if (callRecord === undefined || decision === undefined) throw new Error('no records');
    const sourcetypes = splunkHecBody([callRecord, decision])
      .split('\n')
      .map((line) => (JSON.parse(line) as { sourcetype: string }).sourcetype);
    expect(sourcetypes).toEqual(['gatehouse:call', 'gatehouse:policy']);
    expect(syslogMessage(decision, { hostname: 'h', procId: '1' })).toContain(' policy [gatehouse@32473 ');
  });
});
