import type { MockProviderConfig } from '@gatehouse/config';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { registerMessagesRoute } from './anthropic/messages.route';
import { registerErrorHandling } from './errors/error-handler';
import { registerChatCompletionsRoute } from './openai/chat-completions.route';
import { registerCompletionsRoute } from './openai/completions.route';
import { registerEmbeddingsRoute } from './openai/embeddings.route';
import { registerModelsRoute } from './openai/models.route';
import { injectedError, readFaultPlan, sleep } from './simulation/fault-injection';

/** Long prompts and embedding batches are legitimate load; Fastify's 1 MiB default would reject them. */
const BODY_LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * The mock-provider as a Fastify instance, not yet listening: `main.ts` listens, tests `inject` or listen on
 * port 0. Requests are not logged unless LOG_LEVEL is debug or trace, so that load tests measure the
 * gateway, not this process's logging.
 */
export function buildMockProvider(config: MockProviderConfig): FastifyInstance {
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            transport:
              config.logFormat === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
          },
    logController: new LogController({ disableRequestLogging: !verbose }),
    bodyLimit: BODY_LIMIT_BYTES,
  });

  registerErrorHandling(app);
  // Declared up front (value set by the fault hook) so every request object keeps one shape.
  app.decorateRequest('mockFaults');

  app.get('/healthz', async () => ({ status: 'ok' }));

  // The provider surface, in its own scope so the fault hook leaves /healthz and unknown paths alone. The
  // hook runs before the body is parsed: injected latency and errors apply even to malformed requests.
  void app.register(async (provider) => {
    provider.addHook('onRequest', async (request) => {
      const plan = readFaultPlan(request.headers, config.defaults);
      request.mockFaults = plan;
      if (plan.delayMs > 0) await sleep(plan.delayMs);
      const error = injectedError(plan);
      if (error !== undefined) throw error;
    });
    registerChatCompletionsRoute(provider);
    registerCompletionsRoute(provider);
    registerEmbeddingsRoute(provider);
    registerModelsRoute(provider);
    registerMessagesRoute(provider);
  });

  return app;
}
