import { Injectable } from '@nestjs/common';
import { BoundedLabel, OTHER_LABEL, statusClass } from '@gatehouse/observability';
import { type RequestContext } from '../pipeline/request-context';
import { UpstreamPools } from '../upstream/upstream-pools';
import { UsageRecorder } from '../usage/usage-recorder';
import { GatewayMetrics } from './gateway-metrics';
import { providerLabel } from './upstream-metrics';

/** The GenAI operation of each model endpoint (`gen_ai.operation.name`); other endpoints have no GenAI metrics. */
const OPERATIONS: ReadonlyMap<string, string> = new Map([
  ['chat.completions', 'chat'],
  ['messages', 'chat'],
  ['responses', 'chat'],
  ['completions', 'text_completion'],
  ['embeddings', 'embeddings'],
]);

/** The label of a model or provider a request never reached (refused before entitlement or routing). */
const NONE = 'none';

/**
 * Policy rule names come from the policy sections' code, not from tenants, so they are few; the cap only keeps a
 * future rule that named something of a tenant's from growing series without bound.
 */
const MAX_POLICY_RULES = 100;

/** How one request ended, as the metrics see it. */
export interface RequestEnd {
  status: number;
  endedAt: number;
  /** What the call cost at the catalog's price, in US dollars; 0 when it used nothing or has no price. */
  costUsd: number;
}

/**
 * Records one request in the gateway's metrics, from what its context holds once it is over: called once per
 * request by the `record` stage. Every child metric is looked up by its label values in maps, so a request in a
 * label set already seen allocates nothing here.
 */
@Injectable()
export class RequestMetrics {
  private readonly policyRules = new BoundedLabel(MAX_POLICY_RULES);

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly pools: UpstreamPools,
    recorder: UsageRecorder,
  ) {
    metrics.watchSpool(() => recorder.spooled);
  }

  record(context: RequestContext, end: RequestEnd): void {
    const { metrics } = this;
    const model = context.entitlement?.model ?? OTHER_LABEL;
    const tenant = metrics.tenantLabel(context.key?.tenantId ?? null);
    metrics.requests.of(context.routePattern, model, statusClass(end.status), tenant).inc();
    this.recordDecisions(context);

    const operation = OPERATIONS.get(context.endpoint);
    if (operation === undefined) return;
    const provider = context.route === null ? NONE : providerLabel(this.pools, context.route.providerId);
    metrics.requestDuration.of(model, provider, operation).observe((end.endedAt - context.startedAt) / 1000);
    if (context.timeToFirstTokenMs !== null) {
      metrics.timeToFirstToken.of(model, provider, operation).observe(context.timeToFirstTokenMs / 1000);
    }
    const usage = context.usage;
    if (usage !== null && usage.source !== 'none' && usage.source !== 'unknown') {
      metrics.tokenUsage.of('input', model, provider, operation).observe(usage.inputTokens);
      metrics.tokenUsage.of('output', model, provider, operation).observe(usage.outputTokens);
    }
    if (end.costUsd > 0) metrics.cost.of(model, provider, tenant).inc(end.costUsd);
  }

  /**
   * A request no route took, or that failed before its handler (a body Fastify could not read): the exception
   * filter's answers. Its route is its pattern when it matched one, else `unmatched`, never its path.
   */
  recordUnrouted(routePattern: string, status: number): void {
    this.metrics.requests.of(routePattern, OTHER_LABEL, statusClass(status), this.metrics.tenantLabel(null)).inc();
  }

  private recordDecisions(context: RequestContext): void {
    const { metrics } = this;
    if (context.limitDecision === 'admitted') metrics.limitDecisions.of('admitted', NONE).inc();
    else if (context.limitDecision === 'refused') {
      metrics.limitDecisions.of('refused', context.errorCode ?? OTHER_LABEL).inc();
    }
    for (const breach of context.limitsMonitored) metrics.limitDecisions.of('monitored', breach).inc();
    for (const fired of context.policyFired) {
      // `rule=action`, or `rule=action:count` for a rule that acted on several findings.
      const equals = fired.indexOf('=');
      const colon = fired.indexOf(':', equals);
      const rule = this.policyRules.of(fired.slice(0, equals));
      metrics.policyDecisions.of(rule, fired.slice(equals + 1, colon === -1 ? undefined : colon)).inc();
    }
    if (context.cacheResult !== null) metrics.cacheRequests.of(context.cacheResult).inc();
  }
}
