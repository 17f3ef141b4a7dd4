import {
  adminModelSchema,
  adminProductListSchema,
  adminProductSchema,
  createModelRequestSchema,
  createProductRequestSchema,
  modelPriceListSchema,
  productListQuerySchema,
  setModelPriceRequestSchema,
  updateModelRequestSchema,
  updateProductRequestSchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class CreateProductDto extends createZodDto(createProductRequestSchema) {}

export class UpdateProductDto extends createZodDto(updateProductRequestSchema) {}

export class ListProductsQueryDto extends createZodDto(productListQuerySchema) {}

export class AdminProductDto extends createZodDto(adminProductSchema) {}

export class AdminProductListDto extends createZodDto(adminProductListSchema) {}

export class CreateModelDto extends createZodDto(createModelRequestSchema) {}

export class UpdateModelDto extends createZodDto(updateModelRequestSchema) {}

export class SetModelPriceDto extends createZodDto(setModelPriceRequestSchema) {}

export class AdminModelDto extends createZodDto(adminModelSchema) {}

export class ModelPriceListDto extends createZodDto(modelPriceListSchema) {}
