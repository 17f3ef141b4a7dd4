import { hostname } from 'node:os';
import { type AuditEvent, type ExportedCall } from '@gatehouse/db';
import { stripSecrets } from '@gatehouse/domain';

/**
 * What a record is: an audit event, a recorded call (the call log's entry), or one policy decision taken on a call.
 * Calls and their decisions are exported together, from the `calls` stream.
 */
export type SiemRecordKind = 'audit' | 'call' | 'policy';

/** One exported record: what a SIEM stores, with the id a receiver dedupes on. */
export interface SiemRecord {
  /** Stable across resends: the audit event's id, the call's request id, `<request id>/policy/<n>` for a decision. */
  id: string;
  stream: SiemRecordKind;
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

/**
 * A recorded call as exported: the call log's fields (never a prompt or an answer: the usage event holds neither),
 * then one record per policy decision taken on it, so that a SIEM can alert on decisions without reading calls.
 */
export function callRecords(call: ExportedCall): SiemRecord[] {
  const decisions = Array.isArray(call.policyActions)
    ? call.policyActions.filter((decision): decision is string => typeof decision === 'string')
    : [];
  const subject = { requestId: call.requestId, tenantId: call.tenantId, keyId: call.apiKeyId, model: call.model };
  const records: SiemRecord[] = [
    {
      id: call.requestId,
      stream: 'call',
      time: call.createdAt,
      name: call.endpoint ?? 'call',
      body: {
        id: call.requestId,
        type: 'gatehouse.call',
        ...subject,
        at: call.createdAt.toISOString(),
        endpoint: call.endpoint,
        productId: call.productId,
        providerId: call.providerId,
        upstreamModel: call.upstreamModel,
        status: call.statusCode,
        errorCode: call.errorCode,
        latencyMs: call.latencyMs,
        ttfbMs: call.timeToFirstByteMs,
        ttftMs: call.timeToFirstTokenMs,
        inputTokens: call.inputTokens,
        outputTokens: call.outputTokens,
        cachedTokens: call.cachedTokens,
        costUsd: Number(call.costUsd),
        cache: call.cacheHit ? 'hit' : 'miss',
        streamed: call.streamed,
        policy: decisions,
      },
    },
  ];
  decisions.forEach((decision, index) => {
    const { action, rule, policy } = parseDecision(decision);
    records.push({
      id: `${call.requestId}/policy/${index}`,
      stream: 'policy',
      time: call.createdAt,
      name: `${action}:${rule}`,
      body: {
        id: `${call.requestId}/policy/${index}`,
        type: 'gatehouse.policy_decision',
        ...subject,
        at: call.createdAt.toISOString(),
        action,
        rule,
        policy,
        status: call.statusCode,
      },
    });
  });
  return records;
}

/** `action:rule[@policy]`, as the gateway records a decision (`block:pii.input.EMAIL@global`, `log:injection`). */
export function parseDecision(decision: string): { action: string; rule: string; policy: string | null } {
  const colon = decision.indexOf(':');
  const action = colon === -1 ? decision : decision.slice(0, colon);
  const rest = colon === -1 ? '' : decision.slice(colon + 1);
  const at = rest.lastIndexOf('@');
  return at === -1
    ? { action, rule: rest, policy: null }
    : { action, rule: rest.slice(0, at), policy: rest.slice(at + 1) };
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
