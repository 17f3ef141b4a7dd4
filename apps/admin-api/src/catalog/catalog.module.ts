import { Module } from '@nestjs/common';
import { ProductRepository, provideOnPrimary, ProviderRepository } from '@gatehouse/db';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { ProductsController } from './products.controller';
import { ProductsService } from './products.service';

/** The public catalog (signed-in users) and its management (admins): products, models, prices. */
@Module({
  controllers: [CatalogController, ProductsController],
  providers: [
    provideOnPrimary(ProductRepository),
    provideOnPrimary(ProviderRepository),
    CatalogService,
    ProductsService,
  ],
})
export class CatalogModule {}
