import { Global, Module } from '@nestjs/common';
import { GatewaySnapshotRepository, provideOnPrimary } from '@gatehouse/db';
import { InvalidationSubscriber } from './invalidation.subscriber';

/** What every gateway feature module shares: the invalidation subscription and the gateway's reads. */
@Global()
@Module({
  providers: [InvalidationSubscriber, provideOnPrimary(GatewaySnapshotRepository)],
  exports: [InvalidationSubscriber, GatewaySnapshotRepository],
})
export class CommonModule {}
