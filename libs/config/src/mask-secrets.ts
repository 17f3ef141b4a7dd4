const SECRET_NAME = /(password|secret|token|credential|encryption|private|api[_-]?key)/i;

/** Hides the password of a connection URL (`postgresql://user:pw@host` → `postgresql://user:***@host`). */
export function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}

/**
 * Returns a copy of a configuration object that is safe to log: values under secret-looking keys become
 * `***` and URLs lose their passwords.
 */
export function maskSecrets<T>(config: T): T {
  return maskValue(config, '') as T;
}

function maskValue(value: unknown, key: string): unknown {
  if (value === null || value === undefined) return value;
  if (SECRET_NAME.test(key)) return '***';
  if (typeof value === 'string') return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? maskUrl(value) : value;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, key));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([childKey, child]) => [childKey, maskValue(child, childKey)]));
  }
  return value;
}
