import { z } from 'zod';

// Response shapes of admin-api's auth endpoints (docs/api.md). They belong in @gatehouse/contracts
// once it defines them; until then the portal parses what it receives against this copy.
const membershipSchema = z.object({
  tenantId: z.string(),
  tenantName: z.string(),
  role: z.enum(['OWNER', 'MEMBER', 'VIEWER']),
});

const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isPlatformAdmin: z.boolean(),
  memberships: z.array(membershipSchema),
});

const sessionSchema = z.object({ token: z.string(), user: userSchema });

const apiErrorSchema = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});

export type Session = z.infer<typeof sessionSchema>;

export type AuthOutcome =
  | { kind: 'signed-in'; session: Session }
  /** admin-api answered and said no: wrong password, email taken, invalid input, sign-up disabled... */
  | { kind: 'rejected'; code: string; message: string }
  /** Nothing that looks like admin-api answered: it is down, or ADMIN_API_URL points nowhere. */
  | { kind: 'unreachable' }
  /** admin-api answered 2xx with a body this portal does not understand: the two are out of step. */
  | { kind: 'unexpected' };

export interface LoginRequest {
  email: string;
  password: string;
}

export interface SignupRequest extends LoginRequest {
  name: string;
  tenantName: string;
}

// Long enough for a slow argon2id verification on a busy control plane, short enough that a dead upstream
// does not leave the form spinning.
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Posts to admin-api's auth endpoints through the portal's own origin (`/api/v1` is proxied to ADMIN_API_URL by
 * `app/api/v1/[...path]/route.ts`), so the session cookie admin-api sets is first-party.
 */
export async function authenticate(action: 'login', body: LoginRequest): Promise<AuthOutcome>;
export async function authenticate(action: 'signup', body: SignupRequest): Promise<AuthOutcome>;
export async function authenticate(
  action: 'login' | 'signup',
  body: LoginRequest | SignupRequest,
): Promise<AuthOutcome> {
  let response: Response;
  try {
    response = await fetch(`/api/v1/auth/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    return { kind: 'unreachable' };
  }

  const payload: unknown = await response.json().catch(() => undefined);

  if (response.ok) {
    const session = sessionSchema.safeParse(payload);
    return session.success ? { kind: 'signed-in', session: session.data } : { kind: 'unexpected' };
  }

  // Only an error in admin-api's own shape proves admin-api answered. When it is down, the proxy answers instead,
  // with a 5xx and a body of its own.
  const error = apiErrorSchema.safeParse(payload);
  if (!error.success || error.data.code === 'control_plane_unreachable') return { kind: 'unreachable' };
  return { kind: 'rejected', code: error.data.code, message: error.data.message };
}
