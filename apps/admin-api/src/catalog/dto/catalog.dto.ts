import { catalogListQuerySchema, catalogProductListSchema, catalogProductSchema } from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class ListCatalogQueryDto extends createZodDto(catalogListQuerySchema) {}

export class CatalogProductDto extends createZodDto(catalogProductSchema) {}

export class CatalogProductListDto extends createZodDto(catalogProductListSchema) {}
