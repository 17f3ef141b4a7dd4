import { type IncomingMessage } from 'node:http';
import { type Readable } from 'node:stream';
import { type FastifyInstance, type FastifyRequest } from 'fastify';

/** Where HTTP products are served; the body of a request under it is the upstream's, never parsed here. */
export const HTTP_PRODUCTS_PATH = '/apis/';

/** A request's body framing headers, as the client sent them. */
export interface BodyFraming {
  contentType: string | undefined;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
}

const setAside = new WeakMap<IncomingMessage, BodyFraming>();

/**
 * Fastify parses a request body before any handler runs: JSON into an object (re-serialising it would change the
 * client's bytes), an unknown content type into a 415. An HTTP product forwards the bytes as they are, whatever
 * their type, so on arrival under `/apis/` the framing headers are set aside where Fastify does not look: seeing
 * no body, it runs the handler with the body unread, and the handler streams it upstream with the headers put
 * back. Node's HTTP parser framed the body from the wire already; its headers object is only a view of them.
 */
export function registerPassThroughBodies(fastify: FastifyInstance): void {
  // A callback hook: an async one costs every request a promise and a microtask.
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (request.url.startsWith(HTTP_PRODUCTS_PATH)) {
      const headers = request.raw.headers;
      setAside.set(request.raw, {
        contentType: headers['content-type'],
        contentLength: headers['content-length'],
        transferEncoding: headers['transfer-encoding'],
      });
      delete headers['content-type'];
      delete headers['content-length'];
      delete headers['transfer-encoding'];
    }
    done();
  });
}

/** The body framing headers of a request, including those set aside on arrival. */
export function bodyFramingOf(request: FastifyRequest): BodyFraming {
  return (
    setAside.get(request.raw) ?? {
      contentType: request.headers['content-type'],
      contentLength: request.headers['content-length'],
      transferEncoding: request.headers['transfer-encoding'],
    }
  );
}

export class RequestBodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = 'RequestBodyTooLargeError';
  }
}

/**
 * The client's request body, streamed upstream as it arrives and never held whole. Each attempt reads it through
 * a fresh iterator: an attempt that fails before reading (a refused connection) leaves it intact for another, and
 * once one has started reading it is spent (`untouched` turns false, and a retry is no longer possible). More than
 * `limit` bytes, the gateway's body limit, fail the read (`tooLarge`).
 */
export class StreamedRequestBody implements AsyncIterable<Buffer> {
  private started = false;
  private exceeded = false;

  constructor(
    private readonly source: Readable,
    private readonly limit: number,
  ) {}

  get untouched(): boolean {
    return !this.started;
  }

  get tooLarge(): boolean {
    return this.exceeded;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    if (this.started) throw new Error('the request body was already sent');
    this.started = true;
    let received = 0;
    // Not destroyed when an attempt stops reading early: the client's connection must live on for the answer.
    for await (const chunk of this.source.iterator({ destroyOnReturn: false })) {
      const buffer = chunk as Buffer;
      received += buffer.length;
      if (received > this.limit) {
        this.exceeded = true;
        throw new RequestBodyTooLargeError(this.limit);
      }
      yield buffer;
    }
  }
}
