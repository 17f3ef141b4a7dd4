import { Injectable, Logger } from '@nestjs/common';
import {
  type AdminModelResponse,
  type AdminProductListResponse,
  type AdminProductResponse,
  type CreateModelRequest,
  type CreateProductRequest,
  type InvalidationMessage,
  type ModelPriceInput,
  type ModelTargetInput,
  type ProductListQuery,
  type UpdateModelRequest,
  type UpdateProductRequest,
} from '@gatehouse/contracts';
import {
  type DbTransaction,
  type ModelPriceData,
  type Product,
  type ProductModelRecord,
  ProductRepository,
  ProviderRepository,
  TransactionRunner,
} from '@gatehouse/db';
import { canTransitionProduct, decimalToString, publishBlocker } from '@gatehouse/domain';
import { InvalidationPublisher } from '@gatehouse/redis';
import { AuditService } from '../audit/audit.service';
import { type Actor } from '../auth/authenticated-user';
import { ApiError } from '../common/errors/api-error';
import { toAdminModel, toAdminProduct, toPriceVersion } from './catalog-mapper';
import { invalidField } from './field-error';

type TargetStatus = 'PUBLISHED' | 'RETIRED';

/**
 * The catalog's admin side. Every write runs in one transaction that starts by locking the product row, so
 * lifecycle rules that depend on the model list (publish needs a model; the last model of a published product
 * stays) hold under concurrency. Changes are announced to the gateways after commit.
 */
@Injectable()
export class ProductsService {
  private readonly logger = new Logger(ProductsService.name);

  constructor(
    private readonly products: ProductRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly invalidations: InvalidationPublisher,
  ) {}

  async list(query: ProductListQuery): Promise<AdminProductListResponse> {
    const page = await this.products.list(query);
    return { items: page.items.map(toAdminProduct), nextCursor: page.nextCursor };
  }

  async get(productId: string): Promise<AdminProductResponse> {
    return toAdminProduct(await this.load(this.products, productId));
  }

  async create(actor: Actor, request: CreateProductRequest): Promise<AdminProductResponse> {
    const product = await this.transactions.run(async (tx) => {
      const products = new ProductRepository(tx);
      if (await products.findBySlug(request.slug)) throw slugTaken(request.slug);
      if (request.http) await assertHttpProvider(tx, request.http.providerId);
      const created = await products.create({
        slug: request.slug,
        name: request.name,
        description: request.description ?? null,
        kind: request.kind,
        httpProviderId: request.http?.providerId ?? null,
        httpUpstreamPath: request.http?.upstreamPath ?? null,
      });
      const record = await this.load(products, created.id);
      await this.record(tx, actor, 'product.create', 'product', created.id, undefined, productSnapshot(record));
      return record;
    });
    // A draft is invisible to the gateway, so there is nothing to announce yet.
    return toAdminProduct(product);
  }

  async update(actor: Actor, productId: string, request: UpdateProductRequest): Promise<AdminProductResponse> {
    const product = await this.transactions.run(async (tx) => {
      const products = new ProductRepository(tx);
      const locked = await lockProduct(products, productId);
      if (locked.status === 'RETIRED') throw productRetired();
      if (request.http && locked.kind !== 'HTTP') throw invalidField('http', 'only HTTP products have an upstream');
      if (request.http) await assertHttpProvider(tx, request.http.providerId);
      const before = await this.load(products, locked.id);
      await products.update(locked.id, {
        name: request.name,
        description: request.description,
        ...(request.http
          ? { httpProviderId: request.http.providerId, httpUpstreamPath: request.http.upstreamPath ?? null }
          : {}),
      });
      const after = await this.load(products, locked.id);
      await this.record(
        tx,
        actor,
        'product.update',
        'product',
        locked.id,
        productSnapshot(before),
        productSnapshot(after),
      );
      return after;
    });
    await this.announce({ kind: 'product', productId: product.id });
    return toAdminProduct(product);
  }

  /** DRAFT → PUBLISHED (needs a model, or an upstream for HTTP) and PUBLISHED → RETIRED; nothing else. */
  async changeStatus(actor: Actor, productId: string, status: TargetStatus): Promise<AdminProductResponse> {
    const product = await this.transactions.run(async (tx) => {
      const products = new ProductRepository(tx);
      const locked = await lockProduct(products, productId);
      if (!canTransitionProduct(locked.status, status)) {
        throw ApiError.conflict(
          'invalid_product_transition',
          `A ${locked.status.toLowerCase()} product cannot be ${status === 'PUBLISHED' ? 'published' : 'retired'}.`,
        );
      }
      if (status === 'PUBLISHED') {
        const blocker = publishBlocker({
          kind: locked.kind,
          modelCount: await products.countModels(locked.id),
          httpProviderId: locked.httpProviderId,
        });
        if (blocker) throw ApiError.conflict('product_not_publishable', blocker);
      }
      await products.setStatus(locked.id, status);
      const action = status === 'PUBLISHED' ? 'product.publish' : 'product.retire';
      await this.record(tx, actor, action, 'product', locked.id, { status: locked.status }, { status });
      return this.load(products, locked.id);
    });
    await this.announce({ kind: 'product', productId: product.id });
    return toAdminProduct(product);
  }

  async addModel(actor: Actor, productId: string, request: CreateModelRequest): Promise<AdminModelResponse> {
    const model = await this.transactions.run(async (tx) => {
      const products = new ProductRepository(tx);
      const product = await lockProduct(products, productId);
      assertModelsEditable(product);
      if (await products.findModelByAlias(request.name)) throw aliasTaken(request.name);
      await assertLlmProviders(tx, request.targets, 'targets');
      const created = await products.createModel(product.id, {
        alias: request.name,
        targets: request.targets,
        price: priceData(request.price),
      });
      const record = await this.loadModel(products, product.id, created.id);
      await this.record(tx, actor, 'model.create', 'model', created.id, undefined, modelSnapshot(product, record));
      return record;
    });
    await this.announce({ kind: 'product', productId: model.productId });
    return toAdminModel(model);
  }

  /**
   * `targets` replaces the set. The alias is the name clients send, so it changes only while the product is a
   * draft (nobody calls it yet); the product's plans follow the rename.
   */
  async updateModel(
    actor: Actor,
    productId: string,
    modelId: string,
    request: UpdateModelRequest,
  ): Promise<AdminModelResponse> {
    const model = await this.transactions.run(async (tx) => {
      const products = new ProductRepository(tx);
      const product = await lockProduct(products, productId);
      assertModelsEditable(product);
      const before = await this.loadModel(products, product.id, modelId);
      if (request.name !== undefined && request.name !== before.alias) {
        if (product.status !== 'DRAFT') {
          throw ApiError.conflict(
            'model_name_immutable',
            'The model name is what clients call; it can change only while the product is a draft. Add a new model instead.',
          );
        }
        if (await products.findModelByAlias(request.name)) throw aliasTaken(request.name);
        await products.renameModel(before.id, request.name);
        await products.renameModelInPlans(product.id, before.alias, request.name);
      }
      if (request.targets) {
        await assertLlmProviders(tx, request.targets, 'targets');
        await products.replaceTargets(before.id, request.targets);
      }
      const after = await this.loadModel(products, product.id, before.id);
      await this.record(
        tx,
        actor,
        'model.update',
        'model',
        before.id,
        modelSnapshot(product, before),
        modelSnapshot(product, after),
      );
      return after;
    });
    await this.announce({ kind: 'product', productId: model.productId });
    return toAdminModel(model);
  }

  /**
   * A model can go while nothing may call it: always on a draft; on a published or retired product only when
   * no subscription is pending or approved (each may call every model), and never the last model of a
   * published product. A plan that names it in its allowed models blocks it too: removing it from that list
   * would turn "only this model" into "every model".
   */
  async deleteModel(actor: Actor, productId: string, modelId: string): Promise<void> {
    const productIdDone = await this.transactions.run(async (tx) => {
      const products = new ProductRepository(tx);
      const product = await lockProduct(products, productId);
      const model = await this.loadModel(products, product.id, modelId);
      const plans = await products.plansAllowingModel(product.id, model.alias);
      if (plans.length > 0) {
        throw ApiError.conflict(
          'model_in_use',
          `Plan(s) ${plans.join(', ')} list this model in their allowed models; change them first.`,
        );
      }
      if (product.status !== 'DRAFT') {
        const live = await products.countLiveSubscriptions(product.id);
        if (live > 0) {
          throw ApiError.conflict(
            'model_in_use',
            `${live} pending or approved subscription(s) may call this model; it can be removed once none do.`,
          );
        }
        if (product.status === 'PUBLISHED' && (await products.countModels(product.id)) === 1) {
          throw ApiError.conflict('product_needs_model', 'A published product keeps at least one model.');
        }
      }
      await products.deleteModel(model.id);
      await this.record(tx, actor, 'model.delete', 'model', model.id, modelSnapshot(product, model), undefined);
      return product.id;
    });
    await this.announce({ kind: 'product', productId: productIdDone });
  }

  async listPrices(productId: string, modelId: string) {
    const product = await this.load(this.products, productId);
    const model = await this.loadModel(this.products, product.id, modelId);
    const prices = await this.products.listPrices(model.id);
    // Price history is short (one row per change): one page.
    return { items: prices.map(toPriceVersion), nextCursor: null };
  }

  /**
   * A new price version from now on: the version in force ends now, so usage up to now stays priced at it
   * (usage events carry their cost, computed at the price of their time).
   */
  async setPrice(
    actor: Actor,
    productId: string,
    modelId: string,
    request: ModelPriceInput,
  ): Promise<AdminModelResponse> {
    const model = await this.transactions.run(async (tx) => {
      const products = new ProductRepository(tx);
      const product = await lockProduct(products, productId);
      assertModelsEditable(product);
      const before = await this.loadModel(products, product.id, modelId);
      const now = new Date();
      if (before.price && before.price.effectiveFrom.getTime() >= now.getTime()) {
        // Versions are keyed by their start; two changes within one millisecond cannot both have one.
        throw ApiError.conflict('price_change_too_soon', 'The price changed a moment ago; try again.');
      }
      await products.replacePrice(before.id, priceData(request), now);
      const after = await this.loadModel(products, product.id, before.id, now);
      await this.record(
        tx,
        actor,
        'model.price_change',
        'model',
        before.id,
        priceSnapshot(before),
        priceSnapshot(after),
      );
      return after;
    });
    await this.announce({ kind: 'product', productId: model.productId });
    return toAdminModel(model);
  }

  private async load(products: ProductRepository, productId: string) {
    const product = await products.findById(productId);
    if (!product) throw ApiError.notFound('Product');
    return product;
  }

  private async loadModel(products: ProductRepository, productId: string, modelId: string, now?: Date) {
    const model = await products.findModel(productId, modelId, now);
    if (!model) throw ApiError.notFound('Model');
    return model;
  }

  private record(
    tx: DbTransaction,
    actor: Actor,
    action: string,
    targetType: string,
    targetId: string,
    before: unknown,
    after: unknown,
  ): Promise<void> {
    return this.audit.record(tx, { actor, action, targetType, targetId, tenantId: null, before, after });
  }

  /** After commit; a Redis failure is logged, not returned (gateways converge within their cache TTL). */
  private async announce(message: InvalidationMessage): Promise<void> {
    try {
      await this.invalidations.publish(message);
    } catch (error) {
      this.logger.error(`Invalidation of ${message.kind} not published: ${String(error)}`);
    }
  }
}

async function lockProduct(products: ProductRepository, productId: string): Promise<Product> {
  const product = await products.lockForUpdate(productId);
  if (!product) throw ApiError.notFound('Product');
  return product;
}

function assertModelsEditable(product: Product): void {
  if (product.kind !== 'LLM') {
    throw ApiError.conflict('product_not_llm', 'Only LLM products have models; HTTP products proxy a path.');
  }
  if (product.status === 'RETIRED') throw productRetired();
}

/** An HTTP product's upstream is a provider of type `http`: the gateway only reaches configured origins. */
async function assertHttpProvider(tx: DbTransaction, providerId: string): Promise<void> {
  const provider = await new ProviderRepository(tx).findById(providerId);
  if (!provider) throw invalidField('http.providerId', 'no provider has this id');
  if (provider.type !== 'HTTP')
    throw invalidField('http.providerId', 'the upstream of an HTTP product must be an http provider');
}

/** Model targets route to LLM APIs: every provider must exist and must not be a plain `http` one. */
async function assertLlmProviders(tx: DbTransaction, targets: ModelTargetInput[], field: string): Promise<void> {
  const providers = await new ProviderRepository(tx).findByIds(targets.map((target) => target.providerId));
  const byId = new Map(providers.map((provider) => [provider.id, provider]));
  for (const [index, target] of targets.entries()) {
    const provider = byId.get(target.providerId);
    if (!provider) throw invalidField(`${field}.${index}.providerId`, 'no provider has this id');
    if (provider.type === 'HTTP') {
      throw invalidField(`${field}.${index}.providerId`, 'an http provider cannot serve a model; use an LLM provider');
    }
  }
}

function priceData(price: ModelPriceInput): ModelPriceData {
  return {
    inputPer1M: price.inputPer1M,
    outputPer1M: price.outputPer1M,
    cachedInputPer1M: price.cachedInputPer1M ?? null,
  };
}

function productSnapshot(product: Awaited<ReturnType<ProductRepository['findById']>> & object) {
  return {
    slug: product.slug,
    name: product.name,
    description: product.description,
    kind: product.kind,
    status: product.status,
    httpProviderId: product.httpProviderId,
    httpUpstreamPath: product.httpUpstreamPath,
  };
}

function modelSnapshot(product: Product, model: ProductModelRecord) {
  return {
    productId: product.id,
    name: model.alias,
    targets: model.targets.map(({ providerId, upstreamModel, weight, priority, enabled }) => ({
      providerId,
      upstreamModel,
      weight,
      priority,
      enabled,
    })),
    ...priceSnapshot(model),
  };
}

function priceSnapshot(model: ProductModelRecord) {
  const { price } = model;
  return {
    price: price
      ? {
          inputPer1M: decimalToString(price.inputPer1M),
          outputPer1M: decimalToString(price.outputPer1M),
          cachedInputPer1M: price.cachedInputPer1M ? decimalToString(price.cachedInputPer1M) : null,
          effectiveFrom: price.effectiveFrom.toISOString(),
        }
      : null,
  };
}

function slugTaken(slug: string): ApiError {
  return ApiError.conflict('product_slug_taken', `A product with slug "${slug}" already exists.`);
}

function aliasTaken(alias: string): ApiError {
  return ApiError.conflict('model_name_taken', `A model named "${alias}" already exists (names are platform-wide).`);
}

function productRetired(): ApiError {
  return ApiError.conflict('product_retired', 'This product is retired and can no longer change.');
}
