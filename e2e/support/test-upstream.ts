import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/**
 * A tiny upstream started by a test, for the behaviours mock-provider cannot be asked for through the gateway
 * (the gateway forwards no client headers upstream, so `x-mock-*` never reaches it): it counts what reaches it,
 * and a test registers the provider at its URL through the admin API, marked `internal` (it is on loopback).
 */
export interface TestUpstream {
  /** `http://127.0.0.1:<port>`: the provider's base URL (the gateway appends `/v1/...`). */
  url: string;
  /** Requests received so far. */
  readonly hits: number;
  /** Requests whose connection closed before the answer was complete (the gateway cancelled them). */
  readonly cancelled: number;
  close(): Promise<void>;
}

export type UpstreamHandler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

export async function startTestUpstream(handler: UpstreamHandler): Promise<TestUpstream> {
  let hits = 0;
  let cancelled = 0;
  const server = createServer((request, response) => {
    hits += 1;
    response.once('close', () => {
      if (!response.writableFinished) cancelled += 1;
    });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return hits;
    },
    get cancelled() {
      return cancelled;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Streams held open on purpose must not keep the test file alive.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers every request with `status` and an OpenAI-shaped error: an upstream that is down. */
export function failingWith(status: number): UpstreamHandler {
  return (_request, _body, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: 'test upstream is failing', type: 'server_error', code: null } }));
  };
}

/** A loopback URL where nothing listens (a port just released): connections are refused at once. */
export async function deadOriginUrl(): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
