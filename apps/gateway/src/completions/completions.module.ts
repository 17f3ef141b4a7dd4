import { Module } from '@nestjs/common';
import { EntitlementModule } from '../entitlement/entitlement.module';
import { CompletionsController } from './completions.controller';
import { CompletionsService } from './completions.service';
import { ModelTargetsService } from './model-targets.service';

/**
 * `POST /v1/chat/completions`, `/v1/completions` and `/v1/embeddings`. Needs `UpstreamModule.forRoot` (for
 * `UpstreamCaller`) imported alongside, in the gateway module.
 */
@Module({
  imports: [EntitlementModule],
  controllers: [CompletionsController],
  providers: [ModelTargetsService, CompletionsService],
  exports: [ModelTargetsService],
})
export class CompletionsModule {}
