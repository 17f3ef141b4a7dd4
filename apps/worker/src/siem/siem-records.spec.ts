import { type AuditEvent } from '@gatehouse/db';
import { auditRecord, jsonLinesBody, octetCountedFrame, splunkHecBody, syslogMessage } from './siem-records';

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
