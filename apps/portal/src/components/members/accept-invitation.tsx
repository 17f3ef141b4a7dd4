'use client';

import { acceptedInvitationSchema, type AcceptedInvitationResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, buttonClasses, Skeleton, TextField } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import { roleLabel } from '../../lib/roles';
import { INVITATION_PATH } from './types';

/**
 * Accepting an invitation. The token arrives in the link's fragment (see `invitationLink`), which only the browser
 * sees. It is read once, kept in this tab's sessionStorage and removed from the address bar, so that a visitor who
 * must sign in or sign up first finds it again when the sign-in form brings them back here (`?next=` carries the
 * path, never the token). It is forgotten as soon as it is used up.
 */

const STORAGE_KEY = 'gatehouse.invitation-token';
// admin-api's tokens are 32 random bytes in base64url (43 characters); its schema accepts up to 200.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,200}$/;

const returnHere = encodeURIComponent(INVITATION_PATH);

function readStored(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be switched off; the token then lives in this page's state only.
    return null;
  }
}

function store(token: string | null) {
  try {
    if (token) window.sessionStorage.setItem(STORAGE_KEY, token);
    else window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // As above: nothing to keep it in.
  }
}

/** The token of a pasted link (`…#token=…`) or a pasted bare token; null for anything else. */
function tokenFrom(input: string): string | null {
  const text = input.trim();
  const hash = text.indexOf('#');
  const fragment = hash >= 0 ? text.slice(hash + 1) : text;
  const fromLink = new URLSearchParams(fragment).get('token');
  const candidate = fromLink ?? (hash >= 0 ? '' : text);
  return TOKEN_SHAPE.test(candidate) ? candidate : null;
}

type Phase =
  | { kind: 'reading' }
  | { kind: 'no-token' }
  | { kind: 'ready'; token: string }
  | { kind: 'accepting'; token: string }
  | { kind: 'accepted'; membership: AcceptedInvitationResponse }
  | { kind: 'refused'; token: string | null; title: string; message: string; wrongAccount?: boolean };

/** admin-api's refusals (docs/api.md, `POST /invitations/accept`), and whether the token is still worth keeping. */
interface Refusal {
  title: string;
  message: string;
  /** Whether the token may still work (with another account, or after a passing failure). */
  keep: boolean;
  wrongAccount?: boolean;
}

function refusal(code: string, message: string, email: string | undefined): Refusal {
  switch (code) {
    case 'invitation_not_found':
      return {
        keep: false,
        title: 'This invitation is not valid',
        message: 'It does not exist or was withdrawn. Ask the workspace owner to invite you again.',
      };
    case 'invitation_used':
      return {
        keep: false,
        title: 'This invitation was already used',
        message: 'Each link works once. If that was not you, ask the workspace owner for a new invitation.',
      };
    case 'invitation_expired':
      return {
        keep: false,
        title: 'This invitation has expired',
        message: 'Invitations are valid for 7 days. Ask the workspace owner to invite you again.',
      };
    case 'invitation_email_mismatch':
      return {
        keep: true,
        wrongAccount: true,
        title: 'This invitation is for another email address',
        message: `You are signed in as ${email ?? 'someone else'}. Sign out, then sign in or create an account with the address the invitation was sent to.`,
      };
    case 'already_member':
      return {
        keep: false,
        title: 'You are already a member',
        message: 'Your account is already in this workspace; there is nothing to accept.',
      };
    case 'validation_failed':
      return {
        keep: false,
        title: 'This link is incomplete',
        message: 'Check that you copied the whole link, or paste it below.',
      };
    default:
      return { keep: true, title: 'The invitation was not accepted', message };
  }
}

export function AcceptInvitation({
  user,
  unreachable,
}: {
  /** Null for a signed-out visitor. */
  user: { name: string; email: string } | null;
  /** admin-api did not answer when the page was rendered. */
  unreachable: boolean;
}) {
  const router = useRouter();
  const [phase, setPhase] = useState<Phase>({ kind: 'reading' });
  const [signingOut, setSigningOut] = useState(false);

  useEffect(() => {
    const fromLink = tokenFrom(window.location.hash);
    if (window.location.hash) {
      // Out of the address bar (and so out of bookmarks, history and screen shares) as soon as it is read.
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
    }
    if (fromLink) store(fromLink);
    const token = fromLink ?? readStored();
    setPhase(token ? { kind: 'ready', token } : { kind: 'no-token' });
  }, []);

  const accept = async (token: string) => {
    setPhase({ kind: 'accepting', token });
    const result = await callApi('POST', '/invitations/accept', { body: { token }, schema: acceptedInvitationSchema });
    if (result.ok) {
      store(null);
      setPhase({ kind: 'accepted', membership: result.data });
      // The new workspace belongs in the switcher of every page from now on.
      router.refresh();
      return;
    }
    const { keep, ...refused } = refusal(result.error.code, result.error.message, user?.email);
    if (!keep) store(null);
    setPhase({ kind: 'refused', ...refused, token: keep ? token : null });
  };

  const chooseToken = (token: string) => {
    store(token);
    setPhase({ kind: 'ready', token });
  };

  const signOut = async () => {
    setSigningOut(true);
    const result = await callApi('POST', '/auth/logout');
    setSigningOut(false);
    if (!result.ok) return;
    // The token stays in this tab: the signed-out view offers to sign in with the right account.
    const token = readStored();
    setPhase(token ? { kind: 'ready', token } : { kind: 'no-token' });
    router.refresh();
  };

  if (unreachable) {
    return (
      <Alert tone="danger" title="The Gatehouse control plane is not reachable">
        Your invitation is safe: reload this page in a moment to accept it.
      </Alert>
    );
  }

  switch (phase.kind) {
    case 'reading':
      return (
        <div role="status" className="space-y-3">
          <span className="sr-only">Reading your invitation…</span>
          <Skeleton className="h-4 w-3/4" />
          <Skeleton className="h-12 w-full rounded-xl" />
        </div>
      );

    case 'no-token':
      return <PasteInvitation onToken={chooseToken} />;

    case 'accepted': {
      const { membership } = phase;
      return (
        <div className="space-y-6">
          <Alert tone="success" title={`You joined ${membership.tenantName}`}>
            You are a {roleLabel[membership.role].toLowerCase()} of this workspace.
          </Alert>
          <Link
            href={`/t/${encodeURIComponent(membership.tenantId)}`}
            className={buttonClasses({ size: 'lg', fullWidth: true })}
          >
            Open {membership.tenantName}
          </Link>
        </div>
      );
    }

    case 'refused':
      return (
        <div className="space-y-6">
          <Alert tone="danger" title={phase.title}>
            {phase.message}
          </Alert>
          {phase.wrongAccount ? (
            <Button size="lg" fullWidth loading={signingOut} onClick={() => void signOut()}>
              Sign out
            </Button>
          ) : phase.token ? (
            <Button size="lg" fullWidth onClick={() => phase.token && void accept(phase.token)}>
              Try again
            </Button>
          ) : (
            <PasteInvitation onToken={chooseToken} />
          )}
        </div>
      );

    case 'ready':
    case 'accepting':
      if (!user) {
        return (
          <div className="space-y-6">
            <p className="text-[15px] leading-7 text-slate-600">
              Sign in with the email address the invitation was sent to, or create an account with it. You will come
              back here to accept.
            </p>
            <div className="space-y-3">
              <Link href={`/login?next=${returnHere}`} className={buttonClasses({ size: 'lg', fullWidth: true })}>
                Sign in to accept
              </Link>
              <Link
                href={`/signup?next=${returnHere}`}
                className={buttonClasses({ variant: 'secondary', size: 'lg', fullWidth: true })}
              >
                Create an account
              </Link>
            </div>
            <p className="text-sm leading-6 text-slate-500">
              Creating an account also asks for an organisation name: that becomes a workspace of your own, beside the
              one you are joining.
            </p>
          </div>
        );
      }
      return (
        <div className="space-y-6">
          <div className="rounded-xl border border-slate-200 bg-slate-50 px-4 py-3 text-sm">
            <p className="text-slate-500">Signed in as</p>
            <p className="mt-0.5 font-medium break-all text-slate-950">
              {user.name} · {user.email}
            </p>
          </div>
          <Button size="lg" fullWidth loading={phase.kind === 'accepting'} onClick={() => void accept(phase.token)}>
            {phase.kind === 'accepting' ? 'Accepting…' : 'Accept invitation'}
          </Button>
          <p className="text-center text-sm text-slate-600">
            Not you?{' '}
            <button
              type="button"
              onClick={() => void signOut()}
              disabled={signingOut}
              className="rounded font-semibold text-indigo-700 hover:text-indigo-600 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none"
            >
              {signingOut ? 'Signing out…' : 'Sign out'}
            </button>
          </p>
        </div>
      );
  }
}

/** For an invitation that arrived without its link (a bare token, or a link cut short): paste it here. */
function PasteInvitation({ onToken }: { onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!value.trim()) {
      setError('Paste the invitation link you were sent.');
      return;
    }
    const token = tokenFrom(value);
    if (!token) {
      setError('That is not a complete invitation link. Copy the whole link, including the part after “#token=”.');
      return;
    }
    setError(undefined);
    onToken(token);
  };

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <p className="text-[15px] leading-7 text-slate-600">
        Open the invitation link a workspace owner sent you, or paste it here.
      </p>
      <TextField
        label="Invitation link"
        name="invitation"
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(event) => setValue(event.target.value)}
        error={error}
        placeholder="https://…/invitations/accept#token=…"
      />
      <Button type="submit" size="lg" fullWidth>
        Continue
      </Button>
    </form>
  );
}
