import { Module } from '@nestjs/common';
import { EntitlementModule } from '../entitlement/entitlement.module';
import { CompletionsController } from './completions.controller';
import { CompletionsService } from './completions.service';
import { ModelRelay } from './model-relay.service';

/**
 * `POST /v1/chat/completions`, `/v1/completions` and `/v1/embeddings`, and the `ModelRelay` that every model
 * endpoint (`/v1/messages` too) relays through. Needs `UpstreamModule.forRoot` (for `UpstreamCaller` and
 * `UpstreamPools`) imported alongside, in the gateway module.
 */
@Module({
  imports: [EntitlementModule],
  controllers: [CompletionsController],
  providers: [ModelRelay, CompletionsService],
  exports: [ModelRelay],
})
export class CompletionsModule {}
