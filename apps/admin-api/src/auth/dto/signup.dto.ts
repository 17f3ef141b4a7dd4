import { sessionResponseSchema, signupRequestSchema } from '@gatehouse/contracts';
import { passwordProblem } from '@gatehouse/domain';
import { createZodDto } from 'nestjs-zod';

/** The contract's sign-up body, plus the password policy (which needs the email, so it refines the whole body). */
export const signupBodySchema = signupRequestSchema.superRefine((body, context) => {
  const problem = passwordProblem(body.password, { email: body.email });
  if (problem) context.addIssue({ code: 'custom', path: ['password'], message: problem });
});

export class SignupDto extends createZodDto(signupBodySchema) {}

export class SessionResponseDto extends createZodDto(sessionResponseSchema) {}
