import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type LimitsEngineOptions } from '@gatehouse/redis';
import { type FastifyInstance } from 'fastify';
import { AuthModule } from '../auth/auth.module';
import { type KeySnapshotCacheOptions } from '../auth/key-snapshot.cache';
import { GatewayCatalog } from '../catalog/gateway-catalog.service';
import { EntitlementService } from '../entitlement/entitlement.service';
import { type RequestLimitsOptions } from '../limits/limits.options';
import { LimitsModule } from '../limits/limits.module';
import { ModelsService } from '../models/models.service';
import { UpstreamModule, type UpstreamModuleOptions } from '../upstream';
import { type UsageModuleOptions } from '../usage/usage.module';
import { UsageModule } from '../usage/usage.module';
import { GatewayRoutesController } from './gateway-routes.controller';
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
  limits: {
    redisUrl: string;
    keyPrefix: string;
    engine?: LimitsEngineOptions;
    request?: Partial<RequestLimitsOptions>;
  };
  usage: UsageModuleOptions;
}

/**
 * The request pipeline (request-pipeline.ts), its stages and the gateway's authenticated routes, with what the
 * stages stand on imported explicitly: key snapshots (auth), the upstream pools, the limits engine and the usage
 * recorder. The catalog (models, prices, targets, HTTP products: one snapshot) is the pipeline's own.
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
        LimitsModule.forRoot(options.limits),
        UsageModule.forRoot(options.usage),
      ],
      controllers: [GatewayRoutesController],
      providers: [
        GatewayCatalog,
        EntitlementService,
        ModelsService,
        AuthenticateStage,
        EntitleStage,
        PolicyStage,
        LimitsStage,
        CacheStage,
        RouteStage,
        UpstreamStage,
        RecordStage,
        RequestPipeline,
      ],
    };
  }

  /** Before the server is ready (Fastify binds its hooks to the routes then), so the hook covers every request. */
  onModuleInit(): void {
    registerPassThroughBodies(this.adapter.httpAdapter.getInstance<FastifyInstance>());
  }
}
