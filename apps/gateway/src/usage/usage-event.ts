import { type UsageRecordedV1 } from '@gatehouse/jobs';
import { type MeterReading } from './request-meter';

/** How the response ended, seen from the socket when it closed. */
export interface ResponseOutcome {
  /** The status sent, or null when the client left before any header went out. */
  statusCode: number | null;
  /** Whether the whole response was written; false when the client left halfway (a cut stream). */
  completed: boolean;
  /** `performance.now()` when the response was over. */
  endedAt: number;
}

/** nginx's code for "the client closed the connection before a response was sent". */
export const CLIENT_CLOSED_REQUEST = 499;

/** One usage event (libs/jobs `usage.recorded` v1) from a request's meter reading and how its response ended. */
export function toUsageEvent(reading: MeterReading, outcome: ResponseOutcome): UsageRecordedV1 {
  const clientLeft = outcome.statusCode === null || !outcome.completed;
  const usage = reading.usage;
  return {
    version: 1,
    requestId: reading.requestId,
    occurredAt: new Date(performance.timeOrigin + reading.startedAt).toISOString(),
    tenantId: reading.key.tenantId,
    apiKeyId: reading.key.keyId,
    subscriptionId: reading.subscriptionId,
    productId: reading.productId,
    model: reading.model,
    providerId: reading.providerId,
    upstreamModel: reading.upstreamModel,
    endpoint: reading.endpoint,
    statusCode: outcome.statusCode ?? CLIENT_CLOSED_REQUEST,
    errorCode: reading.errorCode ?? (clientLeft ? 'client_aborted' : null),
    latencyMs: wholeMs(outcome.endedAt - reading.startedAt),
    timeToFirstByteMs: reading.timeToFirstByteMs === null ? null : wholeMs(reading.timeToFirstByteMs),
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cachedTokens: usage?.cachedTokens ?? 0,
    // Without an upstream answer there is nothing to count; an answer nobody read the counts of is unknown.
    usageSource: usage?.source ?? (reading.timeToFirstByteMs === null ? 'none' : 'unknown'),
    streamed: reading.streamed,
    cacheHit: false,
    policyActions: reading.policyActions,
  };
}

function wholeMs(ms: number): number {
  return Math.max(0, Math.round(ms));
}
