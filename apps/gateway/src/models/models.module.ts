import { Module } from '@nestjs/common';
import { EntitlementModule } from '../entitlement/entitlement.module';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';

@Module({ imports: [EntitlementModule], controllers: [ModelsController], providers: [ModelsService] })
export class ModelsModule {}
