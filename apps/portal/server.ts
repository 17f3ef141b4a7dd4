import { createServer } from 'node:http';
import { loadConfig, portalConfigSchema } from '@gatehouse/config';
import next from 'next';
import proxyAddr from 'proxy-addr';
import { normaliseForwarding } from './src/server/forwarding';

/**
 * The portal's server: Next's own, behind one step that sets the forwarding headers from the real TCP peer (see
 * normaliseForwarding). `npm start`, the e2e stack and the Docker image all run the portal through it; plain
 * `next start` would pass a client's `X-Forwarded-For` on to admin-api.
 */
async function main(): Promise<void> {
  const config = loadConfig('portal', portalConfigSchema);
  const trust = proxyAddr.compile(config.trustedProxies);
  const app = next({ dev: false, dir: __dirname, hostname: config.host, port: config.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((request, response) => {
    normaliseForwarding(request, trust);
    void handle(request, response);
  });
  server.listen(config.port, config.host, () => {
    console.log(`portal listening on http://${config.host}:${config.port}`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
