import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { SignedIn } from '../auth/access/access-rule';
import { CatalogService } from './catalog.service';
import { CatalogProductDto, CatalogProductListDto, ListCatalogQueryDto } from './dto/catalog.dto';

/** The catalog every signed-in user browses: published products, their models and prices, their plans. */
@ApiTags('catalog')
@Controller('catalog/products')
@SignedIn()
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @ZodResponse({ status: 200, type: CatalogProductListDto })
  list(@Query() query: ListCatalogQueryDto) {
    return this.catalog.list(query);
  }

  @Get(':productId')
  @ZodResponse({ status: 200, type: CatalogProductDto })
  get(@Param('productId') productId: string) {
    return this.catalog.get(productId);
  }
}
