import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { EntitlementModule } from '../entitlement/entitlement.module';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';

@Module({ imports: [CatalogModule, EntitlementModule], controllers: [ModelsController], providers: [ModelsService] })
export class ModelsModule {}
