/**
 * The queue baseline of the worker ingestion benchmark: a bare BullMQ Worker whose processor does nothing, so
 * that draining a queue measures what BullMQ itself costs per job (fetch, lock, complete, trim), without parsing,
 * batching or the database. In a process of its own, pinned like the worker
 * (`taskset -c 0 node --import tsx bench/support/bullmq-drain.ts`), driven over IPC:
 *
 * - parent → `{ type: 'start', redisUrl, prefix, queue, concurrency }`; child → `{ type: 'ready' }` once connected,
 *   before it fetches anything;
 * - parent → `{ type: 'go' }`: it starts consuming; the parent watches the queue empty;
 * - the parent closes the channel: it closes the Worker and exits.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';

const startSchema = z.object({
  type: z.literal('start'),
  redisUrl: z.string(),
  prefix: z.string(),
  queue: z.string(),
  concurrency: z.number().int().positive(),
});

let worker: Worker | undefined;
let connection: Redis | undefined;

process.on('message', (message: { type?: string }) => {
  if (message.type === 'start') {
    void start(startSchema.parse(message)).catch((error: unknown) =>
      process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  } else if (message.type === 'go') {
    // run() resolves only when the Worker is closed.
    void worker?.run();
  }
});

process.once('disconnect', () => {
  void (async () => {
    await worker?.close(true);
    connection?.disconnect();
    process.exit(0);
  })();
});

async function start(options: z.infer<typeof startSchema>): Promise<void> {
  connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, connectionName: 'bench-bullmq-drain' });
  worker = new Worker(options.queue, async () => undefined, {
    connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    autorun: false,
  });
  worker.on('error', (error) => process.stderr.write(`${error.message}\n`));
  await worker.waitUntilReady();
  process.send?.({ type: 'ready' });
}
