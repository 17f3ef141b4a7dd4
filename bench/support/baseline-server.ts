/**
 * The floor of this machine: the least work a Node HTTP server can do for a request like the mock's. It reads
 * the request body (the mock parses it, so both receive the same bytes) and answers every request, whatever
 * its method or path, with one body serialised before the server starts.
 *
 * Run as a child process by a benchmark: `node --import tsx bench/support/baseline-server.ts --port <n>
 * --body <json>`. It listens on 127.0.0.1 only.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const LOOPBACK = '127.0.0.1';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    body: { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535 || values.body === undefined) {
  process.stderr.write('usage: baseline-server.ts --port <1-65535> --body <response body>\n');
  process.exit(2);
}

const body = Buffer.from(values.body, 'utf8');
// The headers Fastify sends for a JSON reply, so the two answers cost the network the same.
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) };

const server = createServer((request, response) => {
  request.resume();
  request.once('end', () => {
    response.writeHead(200, headers);
    response.end(body);
  });
});

server.listen(port, LOOPBACK);

const shutdown = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
