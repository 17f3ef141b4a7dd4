/**
 * The database baseline of the worker ingestion benchmark: the worker's own `UsageIngestionRepository.ingest`,
 * called directly with batches of the worker's size, `concurrency` batches in flight (as the worker's batcher
 * has), from a process of its own pinned like the worker
 * (`taskset -c 0 node --import tsx bench/support/usage-ingest-direct.ts`). No queue, no parsing: what the one SQL
 * statement per batch costs, in Postgres and in the client. Driven over IPC:
 *
 * - parent → `{ type: 'start', databaseUrl, fixture, events, batchSize, concurrency, idPrefix, firstAtMs, spacingMs }`;
 *   the child makes every event first, then answers `{ type: 'ready' }`;
 * - parent → `{ type: 'go' }`; child → `{ type: 'done', seconds }` once every batch has committed;
 * - the parent closes the channel: it disconnects and exits.
 */
import { createPrismaClient, UsageIngestionRepository, type DbClient, type UsageEventInput } from '@gatehouse/db';
import { z } from 'zod';
import { usageEventMaker, type UsageFixture } from './usage-events';

const startSchema = z.object({
  type: z.literal('start'),
  databaseUrl: z.string(),
  fixture: z.custom<UsageFixture>((value) => typeof value === 'object' && value !== null),
  events: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  idPrefix: z.string(),
  firstAtMs: z.number(),
  spacingMs: z.number(),
});

let db: DbClient | undefined;
let batches: UsageEventInput[][] = [];
let concurrency = 1;

const fail = (error: unknown) =>
  process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) });

process.on('message', (message: { type?: string }) => {
  if (message.type === 'start') {
    void prepare(startSchema.parse(message)).catch(fail);
  } else if (message.type === 'go') {
    void ingestAll().catch(fail);
  }
});

process.once('disconnect', () => {
  void (async () => {
    await db?.$disconnect();
    process.exit(0);
  })();
});

async function prepare(options: z.infer<typeof startSchema>): Promise<void> {
  // One connection per batch in flight, as the worker's pool would lend them.
  const client = createPrismaClient({
    url: options.databaseUrl,
    applicationName: 'gatehouse-bench-ingest',
    maxConnections: options.concurrency,
  });
  db = client;
  concurrency = options.concurrency;
  // Connected before the measured run, as the worker's pool is.
  await Promise.all(Array.from({ length: concurrency }, () => client.$queryRaw`SELECT 1`));
  const make = usageEventMaker(options.fixture, options.idPrefix);
  const events: UsageEventInput[] = [];
  for (let index = 0; index < options.events; index++) {
    const event = make(index, new Date(options.firstAtMs + index * options.spacingMs));
    // What the worker's processor hands the repository: the payload with its instant parsed.
    events.push({ ...event, occurredAt: new Date(event.occurredAt) });
  }
  batches = [];
  for (let start = 0; start < events.length; start += options.batchSize) {
    batches.push(events.slice(start, start + options.batchSize));
  }
  process.send?.({ type: 'ready' });
}

async function ingestAll(): Promise<void> {
  if (db === undefined) throw new Error('go before start');
  const repository = new UsageIngestionRepository(db);
  const startedAt = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      if (batch !== undefined) await repository.ingest(batch);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  process.send?.({ type: 'done', seconds: (performance.now() - startedAt) / 1000 });
}
