import { type Level, type LevelWithSilent, type Logger } from 'pino';
import { type UnroutedAnswer } from '../common/openai-exception.filter';
import { type RequestContext } from '../pipeline/request-context';

/** How one request ended, as its log line tells it. */
export interface RequestLogEnd {
  status: number;
  errorCode: string | null;
  endedAt: number;
  costUsd: number;
}

/**
 * One structured line per gateway request (GATEWAY_REQUEST_LOG_LEVEL; `silent` writes none), written by the `record`
 * stage once the response is over. It names the request, never its content: ids, the key's visible prefix (never
 * the key), the model, status, timings, tokens, cost and decisions. Prompts, answers, headers and whatever a
 * guardrail saw are not in the context it reads, so they cannot reach the line.
 */
export class RequestLog {
  /** Null when the line is off, or below the logger's level: then not even its fields are gathered. */
  private readonly level: Level | null;

  constructor(
    private readonly logger: Logger,
    level: LevelWithSilent,
  ) {
    this.level = level !== 'silent' && logger.isLevelEnabled(level) ? level : null;
  }

  write(context: RequestContext, end: RequestLogEnd): void {
    if (this.level === null) return;
    const usage = context.usage;
    this.logger[this.level](
      {
        requestId: context.requestId,
        tenantId: context.key?.tenantId ?? null,
        keyPrefix: context.keyPrefix,
        model: context.entitlement?.model ?? null,
        endpoint: context.endpoint,
        route: context.routePattern,
        status: end.status,
        errorCode: end.errorCode,
        latencyMs: wholeMs(end.endedAt - context.startedAt),
        ttfbMs: context.timeToFirstByteMs === null ? null : wholeMs(context.timeToFirstByteMs),
        ttftMs: context.timeToFirstTokenMs === null ? null : wholeMs(context.timeToFirstTokenMs),
        streamed: context.streamed,
        inputTokens: usage?.inputTokens ?? 0,
        outputTokens: usage?.outputTokens ?? 0,
        costUsd: end.costUsd,
        decisions: context.decisions,
        policy: context.policyFired,
      },
      'request',
    );
  }

  /** The line of a request the pipeline never saw (an unknown path, a body that could not be read): no key, no model. */
  writeUnrouted(answer: UnroutedAnswer): void {
    if (this.level === null) return;
    this.logger[this.level](
      {
        requestId: answer.requestId,
        route: answer.route,
        status: answer.status,
        errorCode: answer.errorCode,
        latencyMs: wholeMs(answer.latencyMs),
      },
      'request',
    );
  }
}

function wholeMs(ms: number): number {
  return Math.max(0, Math.round(ms));
}
