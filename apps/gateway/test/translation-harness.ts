import { GatewayHarness, type TestModelTarget } from './gateway-harness';
import { type RunningMock, startMockProvider } from './mock-upstream';

/** The upstreams of a translation suite, for it to route its own models on. */
export type TranslationUpstreams = Pick<TranslationHarness, 'gateway' | 'mock' | 'failing' | 'rejecting'>;

/**
 * What the suites about the translation between Anthropic's and OpenAI's APIs share: a gateway whose seeded
 * `demo-chat` (OpenAI format) and `demo-claude` (Anthropic format) are both served by one mock, with
 * `demo-claude-rejecting` on a mock that answers every request with 400 and a mock that answers 500 for the suite's
 * fallbacks; one tenant subscribed to the demo product, with a key. Usage events are watched from the start.
 */
export class TranslationHarness {
  private constructor(
    readonly gateway: GatewayHarness,
    /** Serves `demo-chat` and `demo-claude`. */
    readonly mock: RunningMock,
    /** Answers every request with 500. */
    readonly failing: RunningMock,
    /** Answers every request with 400. */
    readonly rejecting: RunningMock,
    readonly tenantId: string,
    readonly apiKey: string,
  ) {}

  /**
   * `routeModels` adds the suite's own models; it runs before the key is made, which then lists them (a cached key
   * snapshot lists the models of its day).
   */
  static async start(
    suiteName: string,
    routeModels: (upstreams: TranslationUpstreams) => Promise<void>,
    options: Parameters<typeof GatewayHarness.start>[1] = {},
  ): Promise<TranslationHarness> {
    const [gateway, mock, failing, rejecting] = await Promise.all([
      GatewayHarness.start(suiteName, options),
      startMockProvider(),
      startMockProvider({ MOCK_STATUS: '500' }),
      startMockProvider({ MOCK_STATUS: '400' }),
    ]);
    const close = () => closeAll(gateway, [mock, failing, rejecting]);
    try {
      gateway.watchUsage();
      await gateway.useMockProvider(mock.url);
      await gateway.anthropicModel('demo-claude', mock.url);
      await gateway.anthropicModel('demo-claude-rejecting', rejecting.url);
      await routeModels({ gateway, mock, failing, rejecting });
      const tenantId = await gateway.tenant();
      await gateway.subscribeToDemo(tenantId);
      const apiKey = (await gateway.key(tenantId)).key;
      return new TranslationHarness(gateway, mock, failing, rejecting, tenantId, apiKey);
    } catch (error) {
      await close();
      throw error;
    }
  }

  /**
   * Runs `test` with a new key on the model `alias`, routed to one upstream of `type` that breaks every stream after
   * two chunks with an error event; closes that upstream after. The key is new because the snapshot of `apiKey` is
   * cached with the models of its day.
   */
  async withBreakingModel(
    alias: string,
    type: TestModelTarget['type'],
    test: (key: string) => Promise<void>,
  ): Promise<void> {
    const breaking = await startMockProvider({}, { 'x-mock-fail-after-chunks': '2', 'x-mock-fail-mode': 'error' });
    try {
      await this.gateway.routeModel(alias, [{ type, baseUrl: breaking.url }]);
      await test((await this.gateway.key(this.tenantId)).key);
    } finally {
      await breaking.close();
    }
  }

  close(): Promise<void> {
    return closeAll(this.gateway, [this.mock, this.failing, this.rejecting]);
  }
}

/** What `call` failed with; undefined if it succeeded. */
export function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function closeAll(gateway: GatewayHarness, mocks: RunningMock[]): Promise<void> {
  await gateway.close();
  await Promise.all(mocks.map((mock) => mock.close()));
}
