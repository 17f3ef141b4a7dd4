import { Global, Module } from '@nestjs/common';
import { GatewaySnapshotRepository, provideOnPrimary } from '@gatehouse/db';
import { GracefulShutdown } from './graceful-shutdown';
import { InvalidationSubscriber } from './invalidation.subscriber';

/** What every gateway feature module shares: the invalidation subscription, the gateway's reads, the shutdown. */
@Global()
@Module({
  providers: [InvalidationSubscriber, provideOnPrimary(GatewaySnapshotRepository), GracefulShutdown],
  exports: [InvalidationSubscriber, GatewaySnapshotRepository],
})
export class CommonModule {}
