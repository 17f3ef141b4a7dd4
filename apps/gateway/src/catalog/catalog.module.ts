import { Module } from '@nestjs/common';
import { GatewayCatalog } from './gateway-catalog.service';

/**
 * The gateway's one catalog snapshot. Needs the common module's repository and invalidation subscriber, and
 * `UpstreamModule.forRoot` (global, for the pools a `provider` message reloads), in the gateway module.
 */
@Module({ providers: [GatewayCatalog], exports: [GatewayCatalog] })
export class CatalogModule {}
