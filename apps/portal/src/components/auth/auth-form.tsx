'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Alert, Button, focusRing, TextField } from '@gatehouse/ui';
import { authenticate, type AuthOutcome, type Session } from '../../lib/control-plane';
import { safeReturnPath } from '../../lib/return-path';
import { PASSWORD_MIN_LENGTH } from './password-rules';

export type AuthMode = 'login' | 'signup';

type FormState = { kind: 'idle' } | { kind: 'submitting' } | AuthOutcome;

/**
 * Where a fresh session goes: back to the page that sent the visitor to sign in (`?next=`, same-site paths only),
 * else the first workspace's overview, else the admin console for a platform admin in no workspace.
 */
function destination(session: Session): string {
  const next = safeReturnPath(new URLSearchParams(window.location.search).get('next'));
  if (next) return next;
  const first = session.user.memberships[0];
  if (first) return `/t/${encodeURIComponent(first.tenantId)}`;
  return session.user.isPlatformAdmin ? '/admin' : '/t';
}

/** A text field's value; trimmed unless it is a password, where every character counts. */
function field(form: FormData, name: string, { trim = true } = {}): string {
  const value = form.get(name);
  if (typeof value !== 'string') return '';
  return trim ? value.trim() : value;
}

/**
 * The sign-in and sign-up form. Native constraint validation (`required`, `type="email"`, `minLength`) runs first,
 * so the control plane only sees well-formed input; whatever it answers is shown inline, above the button.
 */
export function AuthForm({ mode }: { mode: AuthMode }) {
  const router = useRouter();
  const [state, setState] = useState<FormState>({ kind: 'idle' });
  // Stays busy after success too: the form is on its way out while the workspace loads.
  const submitting = state.kind === 'submitting' || state.kind === 'signed-in';

  const submit = async (form: FormData) => {
    setState({ kind: 'submitting' });
    const credentials = { email: field(form, 'email'), password: field(form, 'password', { trim: false }) };
    const outcome =
      mode === 'login'
        ? await authenticate('login', credentials)
        : await authenticate('signup', {
            ...credentials,
            name: field(form, 'name'),
            tenantName: field(form, 'tenantName'),
          });
    setState(outcome);
    if (outcome.kind === 'signed-in') {
      router.replace(destination(outcome.session));
      // The signed-in layouts read the new session cookie on the server.
      router.refresh();
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void submit(new FormData(event.currentTarget));
  };

  return (
    <form onSubmit={onSubmit} className="space-y-5" aria-busy={submitting || undefined}>
      {mode === 'signup' && (
        <TextField label="Your name" name="name" autoComplete="name" required maxLength={120} disabled={submitting} />
      )}
      <TextField
        label={mode === 'signup' ? 'Work email' : 'Email'}
        name="email"
        type="email"
        autoComplete={mode === 'signup' ? 'email' : 'username'}
        inputMode="email"
        spellCheck={false}
        required
        maxLength={254}
        placeholder="you@company.com"
        disabled={submitting}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
        required
        minLength={mode === 'signup' ? PASSWORD_MIN_LENGTH : undefined}
        maxLength={256}
        hint={
          mode === 'signup'
            ? `At least ${PASSWORD_MIN_LENGTH} characters. A passphrase is easiest to remember.`
            : undefined
        }
        disabled={submitting}
      />
      {mode === 'login' && (
        // After the field, not beside its label: Tab goes from the email straight to the password.
        <p className="-mt-3 text-right text-sm">
          <Link
            href="/forgot-password"
            className={`rounded font-medium text-indigo-700 hover:text-indigo-600 ${focusRing}`}
          >
            Forgot your password?
          </Link>
        </p>
      )}
      {mode === 'signup' && (
        <TextField
          label="Organisation"
          name="tenantName"
          autoComplete="organization"
          required
          maxLength={120}
          placeholder="Acme Research"
          hint="Your team's workspace in Gatehouse. You will be its owner and can invite others."
          disabled={submitting}
        />
      )}

      <FormOutcome state={state} mode={mode} />

      <Button type="submit" size="lg" fullWidth loading={submitting}>
        {mode === 'login'
          ? submitting
            ? 'Signing in…'
            : 'Sign in'
          : submitting
            ? 'Creating your account…'
            : 'Create account'}
      </Button>
    </form>
  );
}

function FormOutcome({ state, mode }: { state: FormState; mode: AuthMode }) {
  switch (state.kind) {
    case 'idle':
    case 'submitting':
      return null;
    case 'unreachable':
      return (
        <Alert tone="danger" title="The Gatehouse control plane is not reachable">
          {mode === 'login' ? 'Signing in' : 'Creating an account'} needs admin-api, and it did not answer. If you run
          this Gatehouse, check that admin-api is up and that <code className="font-mono">ADMIN_API_URL</code> points to
          it, then try again.
        </Alert>
      );
    case 'unexpected':
      return (
        <Alert tone="danger" title="Unexpected answer from the control plane">
          admin-api replied in a shape this portal does not recognise. The two may be on different versions.
        </Alert>
      );
    case 'rejected':
      return (
        <Alert tone="danger" title={mode === 'login' ? 'Could not sign you in' : 'Could not create your account'}>
          {state.message}
        </Alert>
      );
    case 'signed-in': {
      const { user } = state.session;
      const workspace = user.memberships[0]?.tenantName;
      return (
        <Alert tone="success" title={`Signed in as ${user.email}`}>
          {workspace ? (
            <>
              Welcome{mode === 'login' ? ' back' : ''}, {user.name}. Your workspace is{' '}
              <span className="font-semibold">{workspace}</span>.
            </>
          ) : (
            <>Welcome, {user.name}.</>
          )}
        </Alert>
      );
    }
  }
}
