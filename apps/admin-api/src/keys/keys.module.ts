import { Module } from '@nestjs/common';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';

/** A tenant's API keys: self-serve creation, rotation with a grace period, revocation. */
@Module({
  controllers: [KeysController],
  providers: [KeysService],
})
export class KeysModule {}
