import { Module } from '@nestjs/common';
import { EntitlementService } from './entitlement.service';
import { ModelCatalogService } from './model-catalog.service';

@Module({ providers: [ModelCatalogService, EntitlementService], exports: [EntitlementService, ModelCatalogService] })
export class EntitlementModule {}
