'use client';

import Link from 'next/link';
import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, focusRing } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import { fieldErrors } from '../../lib/api/errors';
import { NewPasswordFields } from './new-password-fields';

type Errors = Partial<Record<'newPassword' | 'confirmPassword', string>>;

type Phase =
  | { kind: 'reading' }
  | { kind: 'no-token' }
  | { kind: 'ready'; token: string; errors: Errors; submitting: boolean }
  /** The link is unknown, used or expired: only a new one helps. */
  | { kind: 'dead'; message: string }
  | { kind: 'failed'; token: string; message: string }
  | { kind: 'done' };

const DEAD_LINK_CODES = new Set(['reset_token_invalid', 'reset_token_used', 'reset_token_expired']);

const linkClasses = `rounded font-semibold text-indigo-700 hover:text-indigo-600 ${focusRing}`;

/**
 * Sets a new password with the token of a reset link (`/reset-password#token=…`). The token is read from the
 * fragment, which never reaches a server, and taken out of the address bar at once.
 */
export function ResetPasswordForm() {
  const [phase, setPhase] = useState<Phase>({ kind: 'reading' });

  useEffect(() => {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
    if (window.location.hash) {
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
    }
    setPhase(token ? { kind: 'ready', token, errors: {}, submitting: false } : { kind: 'no-token' });
  }, []);

  const submit = async (token: string, newPassword: string, confirmPassword: string) => {
    if (newPassword !== confirmPassword) {
      setPhase({ kind: 'ready', token, submitting: false, errors: { confirmPassword: 'The two passwords differ.' } });
      return;
    }
    setPhase({ kind: 'ready', token, errors: {}, submitting: true });
    const result = await callApi('POST', '/auth/password-reset/confirm', { body: { token, newPassword } });
    if (result.ok) {
      setPhase({ kind: 'done' });
      return;
    }
    if (DEAD_LINK_CODES.has(result.error.code)) {
      setPhase({ kind: 'dead', message: result.error.message });
      return;
    }
    const byField = fieldErrors(result.error);
    if (byField.newPassword) {
      setPhase({ kind: 'ready', token, submitting: false, errors: { newPassword: byField.newPassword } });
      return;
    }
    setPhase({ kind: 'failed', token, message: result.error.message });
  };

  const onSubmit = (token: string) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => {
      const entry = form.get(name);
      return typeof entry === 'string' ? entry : '';
    };
    void submit(token, value('newPassword'), value('confirmPassword'));
  };

  switch (phase.kind) {
    case 'reading':
      return <p className="text-sm text-slate-600">Reading your link…</p>;
    case 'no-token':
      return (
        <Alert tone="warning" title="This link is incomplete">
          Open the link from the email again, whole, or{' '}
          <Link href="/forgot-password" className={linkClasses}>
            ask for a new one
          </Link>
          .
        </Alert>
      );
    case 'dead':
      return (
        <Alert tone="danger" title="This link no longer works">
          {phase.message}{' '}
          <Link href="/forgot-password" className={linkClasses}>
            Send me a new link
          </Link>
        </Alert>
      );
    case 'done':
      return (
        <Alert tone="success" title="Your password is changed">
          Every session of your account was signed out.{' '}
          <Link href="/login" className={linkClasses}>
            Sign in with your new password
          </Link>
        </Alert>
      );
    case 'ready':
    case 'failed': {
      const submitting = phase.kind === 'ready' && phase.submitting;
      const errors = phase.kind === 'ready' ? phase.errors : {};
      return (
        <form onSubmit={onSubmit(phase.token)} className="space-y-5" aria-busy={submitting || undefined}>
          <NewPasswordFields errors={errors} disabled={submitting} />
          {phase.kind === 'failed' && (
            <Alert tone="danger" title="Your password was not changed">
              {phase.message}
            </Alert>
          )}
          <Button type="submit" size="lg" fullWidth loading={submitting}>
            {submitting ? 'Saving…' : 'Set new password'}
          </Button>
        </form>
      );
    }
  }
}
