import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance } from 'fastify';
import { type CallLogKeyring } from '@gatehouse/domain';
import { AuthModule } from '../auth/auth.module';
import { type KeySnapshotCacheOptions } from '../auth/key-snapshot.cache';
import { CALL_LOG_KEYRING } from '../call-log/body-capture';
import { GatewayCatalog } from '../catalog/gateway-catalog.service';
import { EntitlementService } from '../entitlement/entitlement.service';
import { ExternalGuardrails, type ExternalGuardrailsOptions } from '../guardrails/external-guardrails';
import { ModelsService } from '../models/models.service';
import { RequestMetrics } from '../observability/request-metrics';
import { GatewayTracing, type GatewayTracingOptions } from '../tracing/gateway-tracing';
import { GatewayPolicies } from '../policies/gateway-policies';
import { ResponsesModule, type ResponsesModuleOptions } from '../responses/responses.module';
import { UpstreamModule, type UpstreamModuleOptions } from '../upstream';
import { GatewayRoutesController } from './gateway-routes.controller';
import { hotPathProviders, type HotPathRedisOptions } from './hot-path-redis';
import { registerPassThroughBodies } from './protocols/http-product/request-body';
import { RequestPipeline } from './request-pipeline';
import { AuthenticateStage } from './stages/authenticate.stage';
import { CacheStage } from './stages/cache.stage';
import { EntitleStage } from './stages/entitle.stage';
import { LimitsStage } from './stages/limits.stage';
import { PolicyStage } from './stages/policy.stage';
import { RecordStage } from './stages/record.stage';
import { RouteStage } from './stages/route.stage';
import { UpstreamStage } from './stages/upstream.stage';

export interface PipelineModuleOptions {
  keySnapshotCache?: Partial<KeySnapshotCacheOptions>;
  upstream: UpstreamModuleOptions;
  hotPath: HotPathRedisOptions;
  /** The external guardrail services policies may name (`injection.external`). */
  guardrails: ExternalGuardrailsOptions;
  /** Null: tracing off. */
  tracing: GatewayTracingOptions | null;
  /** Encrypts the bodies the call log stores, and the stored Responses. */
  callLogKeys: CallLogKeyring;
  /** The Responses API's stored responses: their retention (0 keeps none), and test overrides. */
  responses: Omit<ResponsesModuleOptions, 'keyring'>;
}

/**
 * The request pipeline (request-pipeline.ts), its stages and the gateway's authenticated routes, with what the
 * stages stand on imported explicitly: key snapshots (auth), the upstream pools and the stored Responses. The
 * catalog (models, prices, targets, HTTP products: one snapshot), the limits engine and the usage recorder (on one
 * Redis connection, hot-path-redis.ts) and the external guardrail services' connection pool are the pipeline's own.
 */
@Module({})
export class PipelineModule implements OnModuleInit {
  constructor(private readonly adapter: HttpAdapterHost) {}

  static forRoot(options: PipelineModuleOptions): DynamicModule {
    return {
      module: PipelineModule,
      imports: [
        AuthModule.forRoot(options.keySnapshotCache),
        UpstreamModule.forRoot(options.upstream),
        ResponsesModule.forRoot({ ...options.responses, keyring: options.callLogKeys }),
      ],
      controllers: [GatewayRoutesController],
      providers: [
        GatewayCatalog,
        GatewayPolicies,
        EntitlementService,
        ModelsService,
        AuthenticateStage,
        EntitleStage,
        { provide: ExternalGuardrails, useFactory: () => new ExternalGuardrails(options.guardrails) },
        PolicyStage,
        LimitsStage,
        CacheStage,
        RouteStage,
        UpstreamStage,
        RequestMetrics,
        { provide: CALL_LOG_KEYRING, useValue: options.callLogKeys },
        RecordStage,
        { provide: GatewayTracing, useFactory: () => new GatewayTracing(options.tracing) },
        RequestPipeline,
        ...hotPathProviders(options.hotPath),
      ],
    };
  }

  /** Before the server is ready (Fastify binds its hooks to the routes then), so the hook covers every request. */
  onModuleInit(): void {
    registerPassThroughBodies(this.adapter.httpAdapter.getInstance<FastifyInstance>());
  }
}
