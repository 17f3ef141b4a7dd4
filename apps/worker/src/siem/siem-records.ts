import { hostname } from 'node:os';
import { type AuditEvent } from '@gatehouse/db';
import { stripSecrets } from '@gatehouse/domain';

/** One exported record: what a SIEM stores, with the id a receiver dedupes on. */
export interface SiemRecord {
  /** Stable across resends: the audit event's id. */
  id: string;
  stream: 'audit';
  time: Date;
  /** Short name of the record (an audit action such as `key.create`). */
  name: string;
  /** The JSON object sent as the event. */
  body: Record<string, unknown>;
}

/**
 * An audit event as exported: the chain position and hash let a SIEM check it against the trail. Its snapshots were
 * stripped of secrets when written; they are stripped again here so that no credential field ever leaves.
 */
export function auditRecord(event: AuditEvent): SiemRecord {
  return {
    id: event.id,
    stream: 'audit',
    time: event.createdAt,
    name: event.action,
    body: {
      id: event.id,
      type: 'gatehouse.audit',
      seq: event.seq.toString(),
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId,
      tenantId: event.tenantId,
      actorUserId: event.actorUserId,
      actorIp: event.actorIp,
      before: stripSecrets(event.before),
      after: stripSecrets(event.after),
      createdAt: event.createdAt.toISOString(),
      hash: event.hash,
    },
  };
}

/** JSON lines: one record per line. */
export function jsonLinesBody(records: readonly SiemRecord[]): string {
  return records.map((record) => `${JSON.stringify(record.body)}\n`).join('');
}

/** Splunk HTTP Event Collector: concatenated event objects, `time` in epoch seconds with milliseconds. */
export function splunkHecBody(records: readonly SiemRecord[]): string {
  return records
    .map((record) =>
      JSON.stringify({
        time: record.time.getTime() / 1000,
        source: 'gatehouse',
        sourcetype: `gatehouse:${record.stream}`,
        event: record.body,
      }),
    )
    .join('\n');
}

/** RFC 5424 facility 13 (log audit), severity 5 (notice). */
const SYSLOG_PRIORITY = 13 * 8 + 5;
/** The structured-data id of our parameters; 32473 is the private enterprise number RFC 5612 sets aside for examples. */
const SYSLOG_SD_ID = 'gatehouse@32473';

export interface SyslogHeader {
  hostname: string;
  procId: string;
}

export const LOCAL_SYSLOG_HEADER: SyslogHeader = { hostname: syslogName(hostname()), procId: String(process.pid) };

/**
 * One RFC 5424 message: header, structured data with the record's id, stream and name (so a receiver can filter
 * and dedupe without parsing the message), and the record as JSON for the message.
 */
export function syslogMessage(record: SiemRecord, header: SyslogHeader = LOCAL_SYSLOG_HEADER): string {
  const params = [`id="${sdValue(record.id)}"`, `stream="${record.stream}"`, `name="${sdValue(record.name)}"`];
  return [
    `<${SYSLOG_PRIORITY}>1`,
    record.time.toISOString(),
    header.hostname,
    'gatehouse',
    header.procId,
    record.stream,
    `[${SYSLOG_SD_ID} ${params.join(' ')}]`,
    JSON.stringify(record.body),
  ].join(' ');
}

/** Octet-counting framing for syslog over TCP (RFC 6587 §3.4.1): the message's length in bytes, a space, the message. */
export function octetCountedFrame(message: string): string {
  return `${Buffer.byteLength(message, 'utf8')} ${message}`;
}

/** RFC 5424 §6.3.3: `"`, `\` and `]` are escaped in a parameter value. */
function sdValue(value: string): string {
  return value.replace(/["\\\]]/g, (character) => `\\${character}`);
}

/** A header field is printable US-ASCII without spaces, at most 255 characters; `-` when nothing is left. */
function syslogName(value: string): string {
  const printable = value.replace(/[^\x21-\x7e]/g, '').slice(0, 255);
  return printable === '' ? '-' : printable;
}
