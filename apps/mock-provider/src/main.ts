import { loadConfig, mockProviderConfigSchema } from '@gatehouse/config';
import { buildMockProvider } from './app';

/** In-flight streams get this long to finish after SIGINT/SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig('mock-provider', mockProviderConfigSchema);
  const app = buildMockProvider(config);
  await app.listen({ host: config.http.host, port: config.http.port });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'mock-provider shutting down');
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'mock-provider failed to close');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`mock-provider failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
