const SECRET_KEY = /(hash|secret|password|credential|token|ciphertext|authtag|iv)$/i;

/**
 * A copy of a before/after snapshot fit for the audit trail: properties whose names say they hold a secret
 * (or a derivative of one, such as a hash) are removed at every depth.
 */
export function stripSecrets<T>(value: T): T {
  return strip(value) as T;
}

function strip(value: unknown): unknown {
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(strip);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !SECRET_KEY.test(key))
      .map(([key, child]) => [key, strip(child)]),
  );
}
