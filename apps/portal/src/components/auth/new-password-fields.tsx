import { TextField } from '@gatehouse/ui';
import { PASSWORD_MIN_LENGTH } from './password-rules';

/** The new password and its repetition, as the password change and the password reset ask for them. */
export function NewPasswordFields({
  errors,
  disabled,
}: {
  errors: { newPassword?: string; confirmPassword?: string };
  disabled: boolean;
}) {
  return (
    <>
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN_LENGTH}
        maxLength={256}
        hint={`At least ${PASSWORD_MIN_LENGTH} characters. A passphrase is easiest to remember.`}
        error={errors.newPassword}
        disabled={disabled}
      />
      <TextField
        label="Repeat the new password"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        maxLength={256}
        error={errors.confirmPassword}
        disabled={disabled}
      />
    </>
  );
}
