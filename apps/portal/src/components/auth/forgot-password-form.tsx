'use client';

import { passwordResetAcceptedSchema } from '@gatehouse/contracts';
import { useState, type FormEvent } from 'react';
import { Alert, Button, TextField } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import { fieldErrors } from '../../lib/api/errors';

type State =
  | { kind: 'idle' }
  | { kind: 'submitting' }
  | { kind: 'sent'; email: string }
  | { kind: 'refused'; emailError?: string; message?: string };

/**
 * Asks for a password reset link. admin-api answers the same for every email (it does not say whether one has an
 * account), so the page does not either.
 */
export function ForgotPasswordForm() {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const submitting = state.kind === 'submitting';

  const submit = async (email: string) => {
    setState({ kind: 'submitting' });
    const result = await callApi('POST', '/auth/password-reset', {
      body: { email },
      schema: passwordResetAcceptedSchema,
    });
    if (result.ok) {
      setState({ kind: 'sent', email });
      return;
    }
    const byField = fieldErrors(result.error);
    setState(
      byField.email
        ? { kind: 'refused', emailError: `Email ${byField.email}` }
        : { kind: 'refused', message: result.error.message },
    );
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = new FormData(event.currentTarget).get('email');
    void submit(typeof email === 'string' ? email.trim() : '');
  };

  if (state.kind === 'sent') {
    return (
      <Alert tone="success" title="Check your inbox">
        If an account exists for <span className="font-semibold">{state.email}</span>, a link to choose a new password
        is on its way. It works once, for a limited time.
      </Alert>
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-5" aria-busy={submitting || undefined}>
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        inputMode="email"
        spellCheck={false}
        required
        maxLength={254}
        placeholder="you@company.com"
        disabled={submitting}
        error={state.kind === 'refused' ? state.emailError : undefined}
      />
      {state.kind === 'refused' && state.message && (
        <Alert tone="danger" title="No link was sent">
          {state.message}
        </Alert>
      )}
      <Button type="submit" size="lg" fullWidth loading={submitting}>
        {submitting ? 'Sending…' : 'Send me a reset link'}
      </Button>
    </form>
  );
}
