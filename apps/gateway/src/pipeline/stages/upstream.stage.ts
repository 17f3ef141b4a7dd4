import { Injectable } from '@nestjs/common';
import { UpstreamCaller, type UpstreamResponse } from '../../upstream';
import { type ModelCall } from '../protocols/model-call';
import { type RequestContext } from '../request-context';
import { type Route } from './route.stage';

/** Budget for the upstream's response headers (retries included). A non-streamed answer comes with its headers. */
export const UPSTREAM_DEADLINE_MS = 120_000;

/**
 * Stage 7: the call to the route's targets, in each provider's API, until one answers (see UpstreamCaller:
 * retries with backoff, fallback, circuit breakers). Client headers are not forwarded: only what the upstream needs,
 * and the request id for tracing. Throws the caller's `UpstreamError` when none answers.
 */
@Injectable()
export class UpstreamStage {
  constructor(private readonly upstream: UpstreamCaller) {}

  async run(context: RequestContext, call: ModelCall, route: Route): Promise<UpstreamResponse> {
    const response = await this.upstream.call(
      {
        method: 'POST',
        path: (_target, provider) => route.planFor(provider.type).path,
        headers: {
          ...call.headers,
          'content-type': 'application/json',
          accept: call.stream ? 'text/event-stream' : 'application/json',
          'x-request-id': context.requestId,
        },
        body: (target, provider) => route.planFor(provider.type).body(target.upstreamModel),
        signal: context.lifetime,
        attempts: context.trace ?? undefined,
      },
      route.targets,
      { deadlineMs: UPSTREAM_DEADLINE_MS },
    );
    context.route = { providerId: response.target.providerId, upstreamModel: response.target.upstreamModel };
    context.timeToFirstByteMs = performance.now() - context.startedAt;
    return response;
  }
}
