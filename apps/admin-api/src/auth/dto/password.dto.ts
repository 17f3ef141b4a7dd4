import {
  changePasswordRequestSchema,
  passwordResetAcceptedSchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

// The new password's strength rules (`passwordProblem`) need the user's email: the service applies them.
export class ChangePasswordDto extends createZodDto(changePasswordRequestSchema) {}

export class PasswordResetRequestDto extends createZodDto(passwordResetRequestSchema) {}

export class PasswordResetAcceptedDto extends createZodDto(passwordResetAcceptedSchema) {}

export class PasswordResetConfirmDto extends createZodDto(passwordResetConfirmSchema) {}
