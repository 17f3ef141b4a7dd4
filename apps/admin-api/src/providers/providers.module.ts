import { Module } from '@nestjs/common';
import { provideOnPrimary, ProviderRepository } from '@gatehouse/db';
import { ProvidersController } from './providers.controller';
import { ProvidersService } from './providers.service';

/** Upstream providers (admin only): base URL, type, region and the encrypted credential. */
@Module({
  controllers: [ProvidersController],
  providers: [provideOnPrimary(ProviderRepository), ProvidersService],
})
export class ProvidersModule {}
