import { type IncomingHttpHeaders } from 'node:http';
import { type OnApplicationShutdown } from '@nestjs/common';
import { defaultTextMapGetter, ROOT_CONTEXT, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { RequestTrace } from './request-trace';

/** The gateway config's `tracing` section: null when `OTEL_EXPORTER_OTLP_ENDPOINT` is not set. */
export interface GatewayTracingOptions {
  /** The collector's OTLP/HTTP base URL; spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  serviceName: string;
  /** The share of new traces kept; a caller's `traceparent` decides for its own. */
  sampleRatio: number;
}

/**
 * The gateway's tracer, or nothing. Off, `start` returns null and the pipeline's `context.trace?.…` calls are a null
 * check each: no provider, exporter or span exists. On, spans are batched and sent over OTLP/HTTP (JSON), the
 * caller's W3C `traceparent` and `tracestate` are the parent, and the batch left is flushed at shutdown.
 * No global provider or context manager is installed: the request's spans are parented explicitly.
 */
export class GatewayTracing implements OnApplicationShutdown {
  private readonly provider: BasicTracerProvider | null;
  private readonly tracer: Tracer | null;
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(options: GatewayTracingOptions | null) {
    this.provider = options === null ? null : tracerProvider(options);
    this.tracer = this.provider?.getTracer('gatehouse-gateway') ?? null;
  }

  /** The request's trace, a child of the caller's trace context when it sent one; null when tracing is off. */
  start(requestId: string, headers: IncomingHttpHeaders): RequestTrace | null {
    if (this.tracer === null) return null;
    const parent = this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    return new RequestTrace(this.tracer, this.propagator, parent, requestId);
  }

  /** Sends the spans ended so far. */
  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }

  /** After the server closed, so the last requests' spans are in the final batch. */
  async onApplicationShutdown(): Promise<void> {
    await this.provider?.shutdown();
  }
}

function tracerProvider(options: GatewayTracingOptions): BasicTracerProvider {
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` });
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
}
