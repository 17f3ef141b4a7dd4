import { Inject, Injectable } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import { type CallLogKeyring, costMicros } from '@gatehouse/domain';
import { type UsageRecordedV1 } from '@gatehouse/jobs';
import { CALL_LOG_KEYRING } from '../../call-log/body-capture';
import { RequestLog } from '../../observability/request-log';
import { RequestMetrics } from '../../observability/request-metrics';
import { UsageRecorder } from '../../usage/usage-recorder';
import { type RequestContext } from '../request-context';

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

/**
 * Stage 11, `record`: every request in the metrics and its one log line; and one usage event per authenticated
 * request (with its bodies, encrypted, when the policy stores them), handed to the recorder (batched to BullMQ,
 * spooled to disk while Redis refuses). A request that never authenticated belongs to no tenant and has no usage
 * event.
 */
@Injectable()
export class RecordStage {
  constructor(
    private readonly recorder: UsageRecorder,
    private readonly metrics: RequestMetrics,
    private readonly log: RequestLog,
    @Inject(CALL_LOG_KEYRING) private readonly callLogKeys: CallLogKeyring,
  ) {}

  run(context: RequestContext, outcome: ResponseOutcome): void {
    const end = {
      status: outcome.statusCode ?? CLIENT_CLOSED_REQUEST,
      errorCode: errorCodeOf(context, outcome),
      endedAt: outcome.endedAt,
      costUsd: costUsdOf(context),
    };
    this.metrics.record(context, end);
    this.log.write(context, end);
    if (context.key === null) return;
    const event = toUsageEvent(context, context.key, outcome);
    if (context.bodyCapture !== null) {
      event.bodies = context.bodyCapture.seal(this.callLogKeys, event.requestId, new Date(event.occurredAt));
    }
    this.recorder.record(event);
  }
}

/** The request's error code; a client that left before its answer was complete is `client_aborted`. */
function errorCodeOf(context: RequestContext, outcome: ResponseOutcome): string | null {
  const clientLeft = outcome.statusCode === null || !outcome.completed;
  return context.errorCode ?? (clientLeft ? 'client_aborted' : null);
}

/** What the call's counted tokens cost at the model's catalog price, in US dollars; 0 without either. */
function costUsdOf(context: RequestContext): number {
  const price = context.entitlement?.price ?? null;
  const usage = context.usage;
  if (price === null || usage === null || usage.source === 'none' || usage.source === 'unknown') return 0;
  const micros =
    context.costMicros ??
    costMicros(price, {
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cachedInputTokens: usage.cachedTokens,
    });
  return Number(micros) / 1_000_000;
}

/** One usage event (libs/jobs `usage.recorded` v1) from what the pipeline learnt and how the response ended. */
export function toUsageEvent(context: RequestContext, key: KeySnapshot, outcome: ResponseOutcome): UsageRecordedV1 {
  const usage = context.usage;
  return {
    version: 1,
    requestId: context.requestId,
    occurredAt: new Date(performance.timeOrigin + context.startedAt).toISOString(),
    tenantId: key.tenantId,
    apiKeyId: key.keyId,
    subscriptionId: context.entitlement?.subscription.subscriptionId ?? null,
    productId: context.entitlement?.productId ?? null,
    model: context.entitlement?.model ?? null,
    providerId: context.route?.providerId ?? null,
    upstreamModel: context.route?.upstreamModel ?? null,
    endpoint: context.endpoint,
    statusCode: outcome.statusCode ?? CLIENT_CLOSED_REQUEST,
    errorCode: errorCodeOf(context, outcome),
    latencyMs: wholeMs(outcome.endedAt - context.startedAt),
    timeToFirstByteMs: context.timeToFirstByteMs === null ? null : wholeMs(context.timeToFirstByteMs),
    timeToFirstTokenMs: context.timeToFirstTokenMs === null ? null : wholeMs(context.timeToFirstTokenMs),
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cachedTokens: usage?.cachedTokens ?? 0,
    // Without an upstream answer there is nothing to count; an answer nobody read the counts of is unknown.
    usageSource: usage?.source ?? (context.timeToFirstByteMs === null ? 'none' : 'unknown'),
    streamed: context.streamed,
    cacheHit: false,
    policyActions: context.decisions,
  };
}

function wholeMs(ms: number): number {
  return Math.max(0, Math.round(ms));
}
