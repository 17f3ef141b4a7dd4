import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { GatewayTracing } from './gateway-tracing';
import { RequestTrace } from './request-trace';

jest.mock('@opentelemetry/sdk-trace-base', () => {
  const actual = jest.requireActual<typeof import('@opentelemetry/sdk-trace-base')>('@opentelemetry/sdk-trace-base');
  return {
    ...actual,
    BasicTracerProvider: jest.fn((...args: ConstructorParameters<typeof actual.BasicTracerProvider>) => {
      return new actual.BasicTracerProvider(...args);
    }),
  };
});

const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('GatewayTracing', () => {
  beforeEach(() => jest.mocked(BasicTracerProvider).mockClear());

  it('creates nothing when tracing is off: no provider, and no trace for a request, even one with a traceparent', async () => {
    const tracing = new GatewayTracing(null);
    expect(tracing.start('request-1', { traceparent })).toBeNull();
    expect(BasicTracerProvider).not.toHaveBeenCalled();
    await expect(tracing.flush()).resolves.toBeUndefined();
    await expect(tracing.onApplicationShutdown()).resolves.toBeUndefined();
  });

  it('makes one provider when on, and a trace per request', async () => {
    const tracing = new GatewayTracing({ endpoint: 'http://127.0.0.1:9', serviceName: 'test', sampleRatio: 1 });
    expect(BasicTracerProvider).toHaveBeenCalledTimes(1);
    const first = tracing.start('request-1', { traceparent });
    const second = tracing.start('request-2', {});
    expect(first).toBeInstanceOf(RequestTrace);
    expect(second).toBeInstanceOf(RequestTrace);
    expect(second).not.toBe(first);
    expect(BasicTracerProvider).toHaveBeenCalledTimes(1);
    await tracing.onApplicationShutdown();
  });
});
