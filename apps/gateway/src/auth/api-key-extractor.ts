import { hashApiKey, isWellFormedApiKey } from '@gatehouse/domain';
import { type IncomingHttpHeaders } from 'node:http';

export type ExtractedApiKey =
  | { kind: 'missing' }
  /** Wrong prefix, length, alphabet or checksum: refused before any cache or database lookup. */
  | { kind: 'malformed' }
  | { kind: 'key'; key: string; hash: string };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The key a request carries: `Authorization: Bearer` (OpenAI's SDKs), `x-api-key` (Anthropic's) or `api-key`
 * (Azure OpenAI's), the first present in that order. The hash is computed only for a well-formed key.
 */
export function extractApiKey(headers: IncomingHttpHeaders): ExtractedApiKey {
  const raw = bearerToken(headers.authorization) ?? single(headers['x-api-key']) ?? single(headers['api-key']);
  if (raw === undefined) return { kind: 'missing' };
  if (!isWellFormedApiKey(raw)) return { kind: 'malformed' };
  return { kind: 'key', key: raw, hash: hashApiKey(raw) };
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}

function single(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
