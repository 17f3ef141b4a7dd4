import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance } from 'fastify';
import { CatalogModule } from '../catalog/catalog.module';
import { HttpProductsController } from './http-products.controller';
import { HttpProductsService } from './http-products.service';
import { registerPassThroughBodies } from './request-body';

/**
 * HTTP products at `/apis/{productSlug}/...`. Needs `UpstreamModule.forRoot` (for `UpstreamCaller`) imported
 * alongside, in the gateway module, and the common module's repository and invalidation subscriber.
 */
@Module({
  imports: [CatalogModule],
  controllers: [HttpProductsController],
  providers: [HttpProductsService],
})
export class HttpProductsModule implements OnModuleInit {
  constructor(private readonly adapter: HttpAdapterHost) {}

  /** Before the server is ready (Fastify binds its hooks to the routes then), so the hook covers every request. */
  onModuleInit(): void {
    registerPassThroughBodies(this.adapter.httpAdapter.getInstance<FastifyInstance>());
  }
}
