import { Injectable } from '@nestjs/common';
import {
  type CatalogListQuery,
  type CatalogProductListResponse,
  type CatalogProductResponse,
} from '@gatehouse/contracts';
import { CatalogRepository } from '@gatehouse/db';
import { ApiError } from '../common/errors/api-error';
import { toCatalogProduct } from './catalog-mapper';

/** The public catalog: only PUBLISHED products, prices in force now, ACTIVE plans. */
@Injectable()
export class CatalogService {
  constructor(private readonly catalog: CatalogRepository) {}

  async list(query: CatalogListQuery, now: Date = new Date()): Promise<CatalogProductListResponse> {
    const page = await this.catalog.pagePublishedProducts(query, now);
    return { items: page.items.map(toCatalogProduct), nextCursor: page.nextCursor };
  }

  /** A draft or retired product answers exactly like one that does not exist. */
  async get(productId: string, now: Date = new Date()): Promise<CatalogProductResponse> {
    const product = await this.catalog.findPublishedProductById(productId, now);
    if (!product) throw ApiError.notFound('Product');
    return toCatalogProduct(product);
  }
}
