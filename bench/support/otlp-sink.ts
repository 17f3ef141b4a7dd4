/**
 * A stand-in OpenTelemetry collector for the gateway benchmark's traced run: it takes every OTLP/HTTP export posted
 * to `/v1/traces`, answers 200 at once and counts what came (exports, spans, bytes), so that the run measures what
 * exporting costs the gateway, and how many of its spans reached a collector, not what a real collector does with
 * them.
 *
 * Run as a child process by a benchmark: `node --import tsx bench/support/otlp-sink.ts --port <n>`. It listens on
 * 127.0.0.1 only; `/healthz` answers 200 and `GET /stats` the counts so far as JSON.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const LOOPBACK = '127.0.0.1';
/** Each span of an OTLP/JSON export carries its own `spanId` once (links and parents use other names). */
const SPAN_ID = Buffer.from('"spanId"');
/** Only the gateway's request span has this attribute: one per traced request. */
const REQUEST_SPAN = Buffer.from('"gatehouse.request_id"');

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write('usage: otlp-sink.ts --port <1-65535>\n');
  process.exit(2);
}

export interface OtlpSinkStats {
  exports: number;
  spans: number;
  /** Request spans: the requests traced. */
  requests: number;
  bytes: number;
}

const stats: OtlpSinkStats = { exports: 0, spans: 0, requests: 0, bytes: 0 };

function count(body: Buffer, needle: Buffer): number {
  let found = 0;
  for (let at = body.indexOf(needle); at !== -1; at = body.indexOf(needle, at + needle.length)) found++;
  return found;
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (request.method === 'GET' && request.url === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  if (request.method !== 'POST' || request.url !== '/v1/traces') {
    response.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    stats.exports += 1;
    stats.bytes += body.length;
    stats.spans += count(body, SPAN_ID);
    stats.requests += count(body, REQUEST_SPAN);
    // An empty ExportTraceServiceResponse: everything accepted.
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

server.keepAliveTimeout = 30_000;
server.listen(port, LOOPBACK);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));
