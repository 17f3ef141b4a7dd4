import { Counter, Registry } from 'prom-client';
import { startMetricsServer } from './metrics-server';

describe('startMetricsServer', () => {
  it('serves the registry at /metrics on a port of its own, and nothing else', async () => {
    const registry = new Registry();
    new Counter({ name: 'served_total', help: 'h', registers: [registry] }).inc(2);
    const server = await startMetricsServer(registry, '127.0.0.1', 0);
    try {
      const origin = `http://127.0.0.1:${server.port}`;
      const metrics = await fetch(`${origin}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toBe(registry.contentType);
      expect(await metrics.text()).toContain('served_total 2');
      expect((await fetch(`${origin}/healthz`)).status).toBe(404);
      expect((await fetch(`${origin}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
