import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { EntitlementService } from './entitlement.service';

@Module({ imports: [CatalogModule], providers: [EntitlementService], exports: [EntitlementService] })
export class EntitlementModule {}
