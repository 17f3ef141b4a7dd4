import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { mockProviderConfigSchema, parseConfig } from '@gatehouse/config';
import { type FastifyInstance } from 'fastify';
// The deterministic upstream, in-process: the upstream of every integration test.
import { buildMockProvider } from '../../mock-provider/src/app';

export interface RunningMock {
  url: string;
  /** Every response the mock started, to see whether the gateway hung up on it. */
  responses: ServerResponse[];
  /** The parsed body of every request the mock received: what the gateway sent upstream. */
  received: unknown[];
  close(): Promise<void>;
}

/**
 * mock-provider on a free port of 127.0.0.1, configured by its environment variables (`MOCK_STATUS`, ...).
 * `requestHeaders` are added to every request it receives: its per-request fault injection (`x-mock-*`), which the
 * gateway never forwards from a client.
 */
export async function startMockProvider(
  env: Record<string, string> = {},
  requestHeaders: Record<string, string> = {},
): Promise<RunningMock> {
  const app: FastifyInstance = buildMockProvider(
    parseConfig('mock-provider', mockProviderConfigSchema, { LOG_LEVEL: 'silent', ...env }),
  );
  const received: unknown[] = [];
  app.addHook('preHandler', (request, _reply, done) => {
    received.push(request.body);
    done();
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const responses: ServerResponse[] = [];
  app.server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    Object.assign(request.headers, requestHeaders);
    responses.push(response);
  });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    responses,
    received,
    close: () => app.close(),
  };
}
