/**
 * The floor of a pass-through proxy on this machine: what the gateway would cost if it did nothing but relay.
 * A bare `node:http` server that forwards every request, body streamed, to one upstream origin through one
 * undici `Pool`, and streams the answer back. No auth, no parsing, no routing, no usage event.
 *
 * Run as a child process by a benchmark: `node --import tsx bench/support/passthrough-proxy.ts --port <n>
 * --upstream http://127.0.0.1:<port> [--connections <n>]`. It listens on 127.0.0.1 only, and `/healthz` answers
 * 200 without touching the upstream.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const LOOPBACK = '127.0.0.1';
/** The gateway's upstream timeouts (apps/gateway/src/upstream/upstream-pools.ts), so both give up alike. */
const TIMEOUT_MS = 120_000;
const KEEP_ALIVE_MS = 30_000;
/** Hop-by-hop headers (RFC 9110 §7.6.1), and `host`: undici sets the upstream's own. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    upstream: { type: 'string' },
    connections: { type: 'string' },
  },
});

const port = Number(values.port);
const upstream = values.upstream === undefined ? undefined : new URL(values.upstream);
const connections = values.connections === undefined ? null : Number(values.connections);
if (
  !Number.isInteger(port) ||
  port < 1 ||
  port > 65535 ||
  upstream === undefined ||
  upstream.hostname !== LOOPBACK ||
  (connections !== null && (!Number.isInteger(connections) || connections < 1))
) {
  process.stderr.write(
    'usage: passthrough-proxy.ts --port <1-65535> --upstream http://127.0.0.1:<port> [--connections <n>]\n',
  );
  process.exit(2);
}

// `connections: null` is undici's "no limit": a bare proxy queues nothing of its own.
const pool = new Pool(upstream.origin, {
  connections,
  headersTimeout: TIMEOUT_MS,
  bodyTimeout: TIMEOUT_MS,
  keepAliveTimeout: KEEP_ALIVE_MS,
  keepAliveMaxTimeout: KEEP_ALIVE_MS,
});

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) kept[name] = value;
  }
  return kept;
}

const server = createServer((request, response) => {
  if (request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  // The client going away before the answer is complete cancels the upstream request.
  const cancel = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) cancel.abort();
  });
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  pool
    .request({
      path: request.url ?? '/',
      method: request.method as 'GET' | 'POST',
      headers: forwardable(request.headers),
      body: hasBody ? request : undefined,
      signal: cancel.signal,
    })
    .then(async (answer) => {
      response.writeHead(answer.statusCode, forwardable(answer.headers));
      await pipeline(answer.body, response);
    })
    .catch(() => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      else response.destroy();
    });
});

server.keepAliveTimeout = KEEP_ALIVE_MS;
server.listen(port, LOOPBACK);

const shutdown = () => {
  server.close(() => void pool.close().finally(() => process.exit(0)));
  server.closeAllConnections();
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
