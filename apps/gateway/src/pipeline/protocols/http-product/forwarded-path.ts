/** `/apis/{slug}{rest}?{query}` as the client sent it, still percent-encoded. */
export interface ProductRequestTarget {
  slug: string;
  /** `''` or a path starting with `/`: what follows the slug. */
  rest: string;
  /** The query string without its `?`; undefined when there is none (or it is empty). */
  query: string | undefined;
}

export type ForwardedPath = { ok: true; path: string } | { ok: false; reason: string };

/** The raw request-target of a call to an HTTP product; null when it is not one (an absolute-form target, a fragment). */
const PRODUCT_URL = /^\/apis\/([^/?#]+)([^?#]*)(?:\?([^#]*))?$/;

/**
 * A path may only hold visible ASCII (the rest must come percent-encoded: bytes above 0x7e would be read as
 * Latin-1 and re-encoded as UTF-8 on the way out), and never a backslash, which URL parsers read as a slash.
 */
const UNSAFE_PATH_CHARACTER = /[^\x21-\x7e]|[\\#]/;
/** A query may hold anything but what would end or split the request line: controls, space, DEL and `#`. */
const UNSAFE_QUERY_CHARACTER = /[^\x21-\x7e\x80-\uffff]|#/;
const MALFORMED_ESCAPE = /%(?![0-9a-f]{2})/i;
/** Percent-encoded `.`, `/` and `\`: how a path escapes its prefix past a check on plain segments. */
const ENCODED_SEPARATOR = /%(?:2e|2f|5c)/i;
/** Deep enough for any double (or triple) encoding an upstream might decode more than once. */
const MAX_DECODING_DEPTH = 4;

export function parseProductUrl(rawUrl: string): ProductRequestTarget | null {
  const match = PRODUCT_URL.exec(rawUrl);
  if (match === null) return null;
  const [, slug = '', rest = '', query] = match;
  return { slug, rest, query: query === undefined || query === '' ? undefined : query };
}

/**
 * The product's upstream path as configured (`/v2`, `v2/`, `/`, null), as a prefix to join the client's path
 * to: `''` for none, otherwise one leading `/` and no trailing one. Null when it is not a safe path, which
 * admin-api should never have let through.
 */
export function normalizeUpstreamPath(configured: string | null): string | null {
  if (configured === null) return '';
  const trimmed = configured.replace(/\/+$/, '');
  if (trimmed === '') return '';
  const prefix = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  return pathProblem(prefix) === null ? prefix : null;
}

/**
 * The path to send upstream: the product's prefix, then the client's path after `/apis/{slug}`. The client's
 * part must stay under the prefix and on the provider's origin whatever the upstream does with it, so it is
 * refused when it holds a `.` or `..` segment, an empty segment (`//host`, `/http://host`), a percent-encoded
 * dot, slash or backslash at any depth of encoding (`%2e%2e`, `%252f`), a malformed escape, or a character
 * that should have been percent-encoded. The origin itself is never in question: it is the provider's pool.
 */
export function forwardedPath(prefix: string, rest: string): ForwardedPath {
  if (rest !== '' && !rest.startsWith('/')) return { ok: false, reason: 'it does not start with a slash' };
  const problem = pathProblem(rest);
  if (problem !== null) return { ok: false, reason: problem };
  const path = `${prefix}${rest}`;
  return { ok: true, path: path === '' ? '/' : path };
}

/** Why a raw query string cannot be forwarded, or null. */
export function queryProblem(query: string | undefined): string | null {
  return query !== undefined && UNSAFE_QUERY_CHARACTER.test(query)
    ? 'the query string holds characters that must be percent-encoded'
    : null;
}

function pathProblem(path: string): string | null {
  if (UNSAFE_PATH_CHARACTER.test(path)) return 'it holds characters that must be percent-encoded';
  if (MALFORMED_ESCAPE.test(path)) return 'it holds a malformed percent-encoding';
  let layer = path;
  for (let depth = 0; depth < MAX_DECODING_DEPTH; depth++) {
    if (ENCODED_SEPARATOR.test(layer)) return 'it holds a percent-encoded dot, slash or backslash';
    const decoded = layer.replace(/%([0-9a-f]{2})/gi, (_escape, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
    if (decoded === layer) break;
    layer = decoded;
  }
  if (path === '') return null;
  const segments = path.slice(1).split('/');
  // A trailing slash (the last segment empty) is a path of its own; an empty segment anywhere else is not.
  if (segments.slice(0, -1).some((segment) => segment === '')) return 'it holds an empty segment (//)';
  if (segments.some((segment) => segment === '.' || segment === '..')) return 'it holds a . or .. segment';
  return null;
}
