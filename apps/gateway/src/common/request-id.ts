import { randomBytes } from 'node:crypto';
import { type IncomingMessage } from 'node:http';

/** Crockford's base32: no I, L, O, U, so an id read aloud or copied by hand survives. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * An incoming id is echoed only when it cannot forge a log line or a header: short, and only characters that
 * need no escaping anywhere (no spaces, quotes, CR/LF).
 */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** Random bytes drawn 4 KiB at a time: one `randomBytes` call (and one buffer) per 256 ids instead of one per id. */
const RANDOM_POOL_SIZE = 4_096;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function pooledRandomBytes(size: number): Buffer {
  if (randomOffset + size > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_SIZE);
    randomOffset = 0;
  }
  const bytes = randomPool.subarray(randomOffset, randomOffset + size);
  randomOffset += size;
  return bytes;
}

/**
 * `req_` + a ULID-style id: 10 characters of millisecond time, then 16 of randomness (80 bits), so ids sort by
 * time and never collide in practice.
 */
export function newRequestId(now: number = Date.now(), random: (size: number) => Buffer = pooledRandomBytes): string {
  let time = '';
  let rest = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  const bytes = random(16);
  let entropy = '';
  for (const byte of bytes) entropy += CROCKFORD[byte % 32];
  return `req_${time}${entropy}`;
}

/** The client's `x-request-id` when it is safe to echo, else a new one. Fastify's `genReqId`. */
export function requestIdOf(request: Pick<IncomingMessage, 'headers'>): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : newRequestId();
}
