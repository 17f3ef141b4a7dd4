import { type SeedConfig } from '@gatehouse/config';
import { type DbClient, Prisma } from '@gatehouse/db';
import {
  DEMO_MODELS,
  DEMO_PLANS,
  DEMO_PRICES_EFFECTIVE_FROM,
  DEMO_PRODUCT,
  type DemoModel,
  type DemoPlan,
  MOCK_PROVIDER_NAME,
} from './demo-catalog';
import { hashPassword, verifyPassword } from './password';

/** What one run did, row by row (`user admin@gatehouse.local`, `plan demo/demo-free`, ...). */
export interface SeedReport {
  created: string[];
  updated: string[];
  unchanged: string[];
}

type Tx = Prisma.TransactionClient;
type DecimalLike = Prisma.Decimal | string | number;
type SeedInput = Pick<SeedConfig, 'adminEmail' | 'adminPassword' | 'mockProviderUrl'>;

/**
 * Idempotent: every row is found by its natural key (email, provider name, product slug, model alias, ...),
 * created when missing, updated only where a seeded column differs, and left alone otherwise, so a second
 * run writes nothing. The seed owns the columns it sets on these rows; anything else (other products, extra
 * models an admin added) it never touches. One transaction: a failed seed leaves no half catalog.
 */
export async function seedDatabase(db: DbClient, config: SeedInput): Promise<SeedReport> {
  const report: SeedReport = { created: [], updated: [], unchanged: [] };
  await db.$transaction(
    async (tx) => {
      // Two seeds at once (two `npm start`s) would both find nothing and collide on the unique keys.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('gatehouse:seed'))`;
      await seedAdmin(tx, config, report);
      const providerId = await seedMockProvider(tx, config.mockProviderUrl, report);
      const productId = await seedDemoProduct(tx, report);
      for (const model of DEMO_MODELS) await seedModel(tx, productId, providerId, model, report);
      for (const plan of DEMO_PLANS) await seedPlan(tx, productId, plan, report);
    },
    { timeout: 60_000 },
  );
  return report;
}

async function seedAdmin(tx: Tx, config: SeedInput, report: SeedReport): Promise<void> {
  const label = `user ${config.adminEmail}`;
  const existing = await tx.user.findUnique({
    where: { email: config.adminEmail },
    select: { id: true, isPlatformAdmin: true, passwordHash: true },
  });
  if (existing === null) {
    await tx.user.create({
      data: {
        email: config.adminEmail,
        name: 'Platform Admin',
        passwordHash: await hashPassword(config.adminPassword),
        isPlatformAdmin: true,
      },
    });
    report.created.push(label);
    return;
  }
  // The password follows GATEHOUSE_ADMIN_PASSWORD; a matching hash is kept (rehashing would change it every run).
  const changes: Prisma.UserUpdateInput = {};
  if (!existing.isPlatformAdmin) changes.isPlatformAdmin = true;
  if (!(await verifyPassword(existing.passwordHash, config.adminPassword))) {
    changes.passwordHash = await hashPassword(config.adminPassword);
  }
  await applyChanges(label, changes, report, () => tx.user.update({ where: { id: existing.id }, data: changes }));
}

async function seedMockProvider(tx: Tx, baseUrl: string, report: SeedReport): Promise<string> {
  // Internal: the mock runs on this machine (or a private network), which a non-internal provider may not reach.
  const desired = { type: 'OPENAI_COMPATIBLE', baseUrl, enabled: true, internal: true } as const;
  return upsertByKey({
    label: `provider ${MOCK_PROVIDER_NAME}`,
    report,
    desired,
    find: () => tx.provider.findUnique({ where: { name: MOCK_PROVIDER_NAME } }),
    // The mock needs no credential: the three credential columns stay null.
    create: () => tx.provider.create({ data: { name: MOCK_PROVIDER_NAME, ...desired } }),
    update: (id, data) => tx.provider.update({ where: { id }, data }),
  });
}

async function seedDemoProduct(tx: Tx, report: SeedReport): Promise<string> {
  const desired = {
    name: DEMO_PRODUCT.name,
    description: DEMO_PRODUCT.description,
    kind: 'LLM',
    status: 'PUBLISHED',
    httpProviderId: null,
    httpUpstreamPath: null,
  } as const;
  return upsertByKey({
    label: `product ${DEMO_PRODUCT.slug}`,
    report,
    desired,
    find: () => tx.product.findUnique({ where: { slug: DEMO_PRODUCT.slug } }),
    create: () => tx.product.create({ data: { slug: DEMO_PRODUCT.slug, ...desired } }),
    update: (id, data) => tx.product.update({ where: { id }, data }),
  });
}

async function seedModel(tx: Tx, productId: string, providerId: string, model: DemoModel, report: SeedReport) {
  const routeId = await upsertByKey({
    label: `model ${model.alias}`,
    report,
    desired: { productId },
    find: () => tx.modelRoute.findUnique({ where: { alias: model.alias } }),
    create: () => tx.modelRoute.create({ data: { alias: model.alias, productId } }),
    update: (id, data) => tx.modelRoute.update({ where: { id }, data }),
  });

  const target = { modelRouteId: routeId, providerId, upstreamModel: model.upstreamModel };
  const targetDesired = { weight: 1, priority: 0, enabled: true };
  await upsertByKey({
    label: `target ${model.alias} -> ${MOCK_PROVIDER_NAME}/${model.upstreamModel}`,
    report,
    desired: targetDesired,
    find: () => tx.modelTarget.findUnique({ where: { modelRouteId_providerId_upstreamModel: target } }),
    create: () => tx.modelTarget.create({ data: { ...target, ...targetDesired } }),
    update: (id, data) => tx.modelTarget.update({ where: { id }, data }),
  });

  const price = { modelRouteId: routeId, effectiveFrom: DEMO_PRICES_EFFECTIVE_FROM };
  const priceDesired = {
    inputPer1M: new Prisma.Decimal(model.inputPer1M),
    outputPer1M: new Prisma.Decimal(model.outputPer1M),
    cachedInputPer1M: model.cachedInputPer1M === null ? null : new Prisma.Decimal(model.cachedInputPer1M),
    effectiveTo: null,
  };
  await upsertByKey({
    label: `price ${model.alias} from ${DEMO_PRICES_EFFECTIVE_FROM.toISOString()}`,
    report,
    desired: priceDesired,
    find: () => tx.modelPrice.findUnique({ where: { modelRouteId_effectiveFrom: price } }),
    create: () => tx.modelPrice.create({ data: { ...price, ...priceDesired } }),
    update: (id, data) => tx.modelPrice.update({ where: { id }, data }),
  });
}

async function seedPlan(tx: Tx, productId: string, plan: DemoPlan, report: SeedReport): Promise<void> {
  const { name, monthlyBudgetUsd, ...rest } = plan;
  const desired = {
    ...rest,
    status: 'ACTIVE',
    monthlyBudgetUsd: monthlyBudgetUsd === null ? null : new Prisma.Decimal(monthlyBudgetUsd),
  } as const;
  await upsertByKey({
    label: `plan ${DEMO_PRODUCT.slug}/${name}`,
    report,
    desired,
    find: () => tx.plan.findUnique({ where: { productId_name: { productId, name } } }),
    create: () => tx.plan.create({ data: { productId, name, ...desired, allowedModels: [...desired.allowedModels] } }),
    update: (id, data) => tx.plan.update({ where: { id }, data }),
  });
}

interface UpsertByKey<Desired extends object> {
  label: string;
  report: SeedReport;
  desired: Desired;
  find: () => Promise<({ id: string } & Record<string, unknown>) | null>;
  create: () => Promise<{ id: string }>;
  update: (id: string, changes: Partial<Desired>) => Promise<unknown>;
}

/** Find by natural key; create when missing; otherwise write only the seeded columns that differ. */
async function upsertByKey<Desired extends object>(args: UpsertByKey<Desired>): Promise<string> {
  const existing = await args.find();
  if (existing === null) {
    const created = await args.create();
    args.report.created.push(args.label);
    return created.id;
  }
  const changes = changedColumns(existing, args.desired);
  await applyChanges(args.label, changes, args.report, () => args.update(existing.id, changes));
  return existing.id;
}

async function applyChanges(
  label: string,
  changes: object,
  report: SeedReport,
  update: () => Promise<unknown>,
): Promise<void> {
  if (Object.keys(changes).length === 0) {
    report.unchanged.push(label);
    return;
  }
  await update();
  report.updated.push(`${label} (${Object.keys(changes).join(', ')})`);
}

/** The entries of `desired` whose value differs from the row's. */
export function changedColumns<Desired extends object>(
  row: Record<string, unknown>,
  desired: Desired,
): Partial<Desired> {
  const changes: Partial<Desired> = {};
  for (const key of Object.keys(desired) as (keyof Desired & string)[]) {
    if (!sameValue(row[key], desired[key])) changes[key] = desired[key];
  }
  return changes;
}

/** Equality across the value kinds a row holds: Decimal, Date, bigint, arrays, null. */
export function sameValue(current: unknown, desired: unknown): boolean {
  if (current === undefined || current === null || desired === undefined || desired === null) {
    return (current ?? null) === (desired ?? null);
  }
  if (Prisma.Decimal.isDecimal(current) || Prisma.Decimal.isDecimal(desired)) {
    try {
      return new Prisma.Decimal(current as DecimalLike).equals(desired as DecimalLike);
    } catch {
      return false;
    }
  }
  if (current instanceof Date || desired instanceof Date) {
    return current instanceof Date && desired instanceof Date && current.getTime() === desired.getTime();
  }
  if (Array.isArray(current) || Array.isArray(desired)) {
    return (
      Array.isArray(current) &&
      Array.isArray(desired) &&
      current.length === desired.length &&
      current.every((item, index) => sameValue(item, desired[index]))
    );
  }
  return current === desired;
}
