import { z } from 'zod';
import { nameSchema } from '../names';

/**
 * Request and response shapes of the admin API's auth endpoints (`/api/v1/auth/*`), shared by admin-api, the
 * portal and the e2e tests. The response shapes are a public contract (docs/api.md).
 */

/** Emails are compared and stored lower-cased and trimmed. */
export const authEmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be an email address' }).max(254, 'must be at most 254 characters'));

const displayName = nameSchema(100, { empty: 'must not be empty', tooLong: 'must be at most 100 characters' });

/**
 * The password's strength rules are `passwordProblem` in @gatehouse/domain; admin-api applies them on top of
 * this shape (and the portal can run them before posting). Here: only that it is a string of bounded size.
 */
export const signupRequestSchema = z.object({
  email: authEmailSchema,
  password: z.string().max(1024, 'must be at most 1024 characters'),
  name: displayName,
  tenantName: displayName,
});

export const loginRequestSchema = z.object({
  email: authEmailSchema,
  // Bounded so that a megabyte "password" is refused before anyone hashes it.
  password: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
});

export const authMembershipRoleSchema = z.enum(['OWNER', 'MEMBER', 'VIEWER']);

export const authMembershipSchema = z.object({
  tenantId: z.string(),
  tenantName: z.string(),
  role: authMembershipRoleSchema,
});

/** The signed-in user, exactly as the contract names it. */
export const authUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isPlatformAdmin: z.boolean(),
  memberships: z.array(authMembershipSchema),
});

/** Sign-up and login: the session token (also set as the session cookie) and the user. */
export const sessionResponseSchema = z.object({ token: z.string(), user: authUserSchema });

export const meResponseSchema = z.object({ user: authUserSchema });

const boundedPassword = z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters');

/** A signed-in user changes their password; the new one must pass `passwordProblem` as at sign-up. */
export const changePasswordRequestSchema = z.object({
  currentPassword: boundedPassword,
  newPassword: boundedPassword,
});

/** Asks for a password reset link by mail. The answer is the same whether or not the email has an account. */
export const passwordResetRequestSchema = z.object({ email: authEmailSchema });

export const passwordResetAcceptedSchema = z.object({ message: z.string() });

/** Sets a new password with the token of a reset link. */
export const passwordResetConfirmSchema = z.object({
  token: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  newPassword: boundedPassword,
});

export type SignupRequest = z.infer<typeof signupRequestSchema>;
export type LoginRequest = z.infer<typeof loginRequestSchema>;
export type AuthMembership = z.infer<typeof authMembershipSchema>;
export type AuthUser = z.infer<typeof authUserSchema>;
export type SessionResponse = z.infer<typeof sessionResponseSchema>;
export type MeResponse = z.infer<typeof meResponseSchema>;

/** Error codes of the auth endpoints (`{ statusCode, code, message, details? }`). */
export const AuthErrorCode = {
  EmailTaken: 'email_taken',
  SignupDisabled: 'signup_disabled',
  InvalidCredentials: 'invalid_credentials',
  TooManyAttempts: 'too_many_attempts',
  SsoNotConfigured: 'sso_not_configured',
} as const;

export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;
export type PasswordResetRequest = z.infer<typeof passwordResetRequestSchema>;
export type PasswordResetAccepted = z.infer<typeof passwordResetAcceptedSchema>;
export type PasswordResetConfirm = z.infer<typeof passwordResetConfirmSchema>;
