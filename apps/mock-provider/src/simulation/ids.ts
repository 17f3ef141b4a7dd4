import { randomBytes } from 'node:crypto';

// A random prefix per process and a counter: unique across restarts and replicas, and far cheaper per
// request than a random id each time.
const processPrefix = randomBytes(6).toString('hex');
let counter = 0;

/** A provider-style object id such as `chatcmpl-3f1a9c0b2d4e1k` or `msg_3f1a9c0b2d4e1k`. */
export function newId(prefix: string): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}${processPrefix}${counter.toString(36)}`;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
