'use client';

import { toast } from 'sonner';
import { Alert, Button, Card, TextField } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import { fieldErrors, type AdminApiError } from '../../lib/api/errors';
import { NewPasswordFields } from '../auth/new-password-fields';
import type { FormErrors } from '../forms/form-errors';
import { useApiForm } from '../forms/use-api-form';

function serverErrors(error: AdminApiError): FormErrors {
  const byField = fieldErrors(error);
  const errors: FormErrors = {};
  if (byField.currentPassword) errors.currentPassword = 'This is not your current password.';
  if (byField.newPassword) errors.newPassword = byField.newPassword;
  if (Object.keys(errors).length === 0) errors.form = error.message;
  return errors;
}

/** Changes the password; admin-api signs out every other session, this one stays. */
export function ChangePasswordForm() {
  const { errors, setErrors, submitting, send, handleSubmit } = useApiForm();

  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const value = (name: string) => {
      const entry = data.get(name);
      return typeof entry === 'string' ? entry : '';
    };
    const currentPassword = value('currentPassword');
    const newPassword = value('newPassword');
    if (newPassword !== value('confirmPassword')) {
      setErrors({ confirmPassword: 'The two new passwords differ.' });
      return;
    }
    const result = await send(
      () => callApi('POST', '/auth/password', { body: { currentPassword, newPassword } }),
      serverErrors,
    );
    if (!result.ok) return;
    form.reset();
    toast.success('Password changed', { description: 'Your other sessions were signed out.' });
  };

  return (
    <Card className="p-6">
      <h2 className="text-base font-semibold text-slate-950">Change password</h2>
      <p className="mt-1 text-sm text-slate-600">Every other session of your account is signed out; this one stays.</p>
      <form onSubmit={handleSubmit(submit)} className="mt-6 space-y-5" aria-busy={submitting || undefined}>
        <TextField
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          maxLength={256}
          error={errors.currentPassword}
          disabled={submitting}
        />
        <NewPasswordFields errors={errors} disabled={submitting} />
        {errors.form && (
          <Alert tone="danger" title="Your password was not changed">
            {errors.form}
          </Alert>
        )}
        <Button type="submit" loading={submitting}>
          {submitting ? 'Changing…' : 'Change password'}
        </Button>
      </form>
    </Card>
  );
}
