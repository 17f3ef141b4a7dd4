import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { AdminOnly } from '../auth/access/access-rule';
import { type Actor } from '../auth/authenticated-user';
import { CurrentActor } from '../auth/current-user.decorator';
import {
  AdminModelDto,
  AdminProductDto,
  AdminProductListDto,
  CreateModelDto,
  CreateProductDto,
  ListProductsQueryDto,
  ModelPriceListDto,
  SetModelPriceDto,
  UpdateModelDto,
  UpdateProductDto,
} from './dto/product.dto';
import { ProductsService } from './products.service';

/** Catalog management: products, their lifecycle, their models (routes, targets) and versioned prices. */
@ApiTags('catalog (admin)')
@Controller('admin/products')
@AdminOnly()
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ZodResponse({ status: 200, type: AdminProductListDto })
  list(@Query() query: ListProductsQueryDto) {
    return this.products.list(query);
  }

  @Post()
  @ZodResponse({ status: 201, type: AdminProductDto })
  create(@Body() body: CreateProductDto, @CurrentActor() actor: Actor) {
    return this.products.create(actor, body);
  }

  @Get(':productId')
  @ZodResponse({ status: 200, type: AdminProductDto })
  get(@Param('productId') productId: string) {
    return this.products.get(productId);
  }

  @Patch(':productId')
  @ZodResponse({ status: 200, type: AdminProductDto })
  update(@Param('productId') productId: string, @Body() body: UpdateProductDto, @CurrentActor() actor: Actor) {
    return this.products.update(actor, productId, body);
  }

  @Post(':productId/publish')
  @ZodResponse({ status: 200, type: AdminProductDto })
  publish(@Param('productId') productId: string, @CurrentActor() actor: Actor) {
    return this.products.changeStatus(actor, productId, 'PUBLISHED');
  }

  @Post(':productId/retire')
  @ZodResponse({ status: 200, type: AdminProductDto })
  retire(@Param('productId') productId: string, @CurrentActor() actor: Actor) {
    return this.products.changeStatus(actor, productId, 'RETIRED');
  }

  @Post(':productId/models')
  @ZodResponse({ status: 201, type: AdminModelDto })
  addModel(@Param('productId') productId: string, @Body() body: CreateModelDto, @CurrentActor() actor: Actor) {
    return this.products.addModel(actor, productId, body);
  }

  @Patch(':productId/models/:modelId')
  @ZodResponse({ status: 200, type: AdminModelDto })
  updateModel(
    @Param('productId') productId: string,
    @Param('modelId') modelId: string,
    @Body() body: UpdateModelDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.products.updateModel(actor, productId, modelId, body);
  }

  @Delete(':productId/models/:modelId')
  @HttpCode(204)
  async deleteModel(
    @Param('productId') productId: string,
    @Param('modelId') modelId: string,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.products.deleteModel(actor, productId, modelId);
  }

  @Get(':productId/models/:modelId/prices')
  @ZodResponse({ status: 200, type: ModelPriceListDto })
  listPrices(@Param('productId') productId: string, @Param('modelId') modelId: string) {
    return this.products.listPrices(productId, modelId);
  }

  @Put(':productId/models/:modelId/price')
  @ZodResponse({ status: 200, type: AdminModelDto })
  setPrice(
    @Param('productId') productId: string,
    @Param('modelId') modelId: string,
    @Body() body: SetModelPriceDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.products.setPrice(actor, productId, modelId, body);
  }
}
