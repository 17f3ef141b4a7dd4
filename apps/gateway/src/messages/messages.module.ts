import { Module } from '@nestjs/common';
import { CompletionsModule } from '../completions/completions.module';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

/** `POST /v1/messages` (Anthropic), through the completions module's `ModelRelay`. */
@Module({
  imports: [CompletionsModule],
  controllers: [MessagesController],
  providers: [MessagesService],
})
export class MessagesModule {}
