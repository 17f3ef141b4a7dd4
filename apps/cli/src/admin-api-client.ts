import {
  type PolicyListResponse,
  policyListSchema,
  type PolicyResponse,
  policySchema,
  type PolicyValidationResponse,
  policyValidationSchema,
  type PolicyVersionRefResponse,
  policyVersionRefSchema,
} from '@gatehouse/contracts';
import { type z } from 'zod';
import { CliError } from './cli-error';
import { type FileProblem } from './problems';

/** A request that has no answer by then is reported, rather than left to hang a pipeline. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The admin API's error body (`{ statusCode, code, message, details? }`). */
interface ApiErrorBody {
  code?: unknown;
  message?: unknown;
  details?: unknown;
}

/**
 * An answer the admin API refused with a status the caller may handle (a 400 naming a document's problems);
 * its message is already the one line to print.
 */
export class AdminApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
    readonly problems: FileProblem[],
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/**
 * The policy routes of the admin API (`/api/v1/admin/policies`), as a platform admin calls them with a bearer
 * token. Every answer is checked against the contracts' schema; every failure becomes one readable line.
 */
export class AdminApiClient {
  private readonly apiUrl: string;

  constructor(
    adminUrl: string,
    private readonly token: string,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {
    this.apiUrl = `${apiOrigin(adminUrl)}/api/v1`;
  }

  listPolicies(): Promise<PolicyListResponse> {
    return this.call('GET', '/admin/policies', undefined, policyListSchema);
  }

  /** The document in force with its history; null when no document has this name. */
  async getPolicy(name: string): Promise<PolicyResponse | null> {
    try {
      return await this.call('GET', `/admin/policies/${encodeURIComponent(name)}`, undefined, policySchema);
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 404) return null;
      throw error;
    }
  }

  validatePolicy(yaml: string): Promise<PolicyValidationResponse> {
    return this.call('POST', '/admin/policies/validate', { yaml }, policyValidationSchema);
  }

  /** `expectedVersion`: the version in force the change was made against (null: none); 409 when it moved since. */
  putPolicy(
    name: string,
    yaml: string,
    message: string | undefined,
    expectedVersion?: number | null,
  ): Promise<PolicyVersionRefResponse> {
    const body = { yaml, message, ...(expectedVersion === undefined ? {} : { expectedVersion }) };
    return this.call('PUT', `/admin/policies/${encodeURIComponent(name)}`, body, policyVersionRefSchema);
  }

  rollbackPolicy(name: string, version: number, message: string | undefined): Promise<PolicyVersionRefResponse> {
    return this.call(
      'POST',
      `/admin/policies/${encodeURIComponent(name)}/rollback`,
      { version, message },
      policyVersionRefSchema,
    );
  }

  private async call<Schema extends z.ZodType>(
    method: string,
    path: string,
    body: unknown,
    schema: Schema,
  ): Promise<z.output<Schema>> {
    const url = `${this.apiUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new CliError(`cannot reach the admin API at ${this.apiUrl}: ${networkReason(error, this.timeoutMs)}`);
    }
    const text = await response.text().catch(() => '');
    const json = parseJson(text);
    if (!response.ok) throw refusal(method, path, response.status, json);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new CliError(
        `unexpected answer from ${method} ${this.apiUrl}${path} (${response.status}): is GATEHOUSE_ADMIN_URL the admin API?`,
      );
    }
    return parsed.data;
  }
}

/** `https://admin.example.com/` and `https://admin.example.com/api/v1` both name the origin the routes hang off. */
export function apiOrigin(adminUrl: string): string {
  return adminUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A refused request as one line that says what to do about it, with the problems a 400 named. */
function refusal(method: string, path: string, status: number, json: unknown): AdminApiError {
  const body = (typeof json === 'object' && json !== null ? json : {}) as ApiErrorBody;
  const code = typeof body.code === 'string' ? body.code : null;
  const message = typeof body.message === 'string' ? body.message : null;
  const problems = problemsOf(body.details);
  const what = `${status}${code === null ? '' : ` ${code}`}`;
  let line: string;
  if (status === 401) {
    line = `the admin API refused the token (${what}): set GATEHOUSE_TOKEN to a valid session token of a platform admin (it may have expired)`;
  } else if (status === 403) {
    line = `the admin API refused ${method} ${path} (${what}): policy documents need a platform admin's token`;
  } else {
    line = `the admin API refused ${method} ${path} (${what})${message === null ? '' : `: ${message}`}`;
  }
  return new AdminApiError(line, status, code, problems);
}

/** `details: [{ field, reason, line }]`, the line no longer repeated at the head of the reason. */
function problemsOf(details: unknown): FileProblem[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((detail: unknown) => {
    if (typeof detail !== 'object' || detail === null) return [];
    const { field, reason, line } = detail as Record<string, unknown>;
    if (typeof reason !== 'string') return [];
    return [
      {
        field: typeof field === 'string' ? field : '',
        reason: reason.replace(/^line \d+: /, ''),
        line: typeof line === 'number' ? line : null,
      },
    ];
  });
}

/** Why a request got no answer, in words (`connection refused`), never the request itself (it carries the token). */
function networkReason(error: unknown, timeoutMs: number): string {
  // Read by shape, not `instanceof`: fetch's errors may come from another realm (a test runner's VM context).
  const { name, message, cause } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    cause?: { code?: unknown; message?: unknown };
  };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is it running? set GATEHOUSE_ADMIN_URL)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found (set GATEHOUSE_ADMIN_URL)';
    case 'ECONNRESET':
      return 'connection reset';
    default:
      if (typeof cause?.code === 'string') return cause.code;
      if (typeof cause?.message === 'string') return cause.message;
      return typeof message === 'string' ? message : String(error);
  }
}
