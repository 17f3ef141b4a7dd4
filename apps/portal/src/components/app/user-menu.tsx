'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { Badge, cx, menuItemClasses, PopoverMenu } from '@gatehouse/ui';
import { Icon } from '../icons';

function initials(name: string, email: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters =
    words.length > 1 ? `${words[0]?.[0] ?? ''}${words[words.length - 1]?.[0] ?? ''}` : (words[0] ?? email).slice(0, 2);
  return letters.toUpperCase();
}

/** Who is signed in, their account settings, and the way out. */
export function UserMenu({ name, email, isPlatformAdmin }: { name: string; email: string; isPlatformAdmin: boolean }) {
  const router = useRouter();
  const [signingOut, setSigningOut] = useState(false);

  const signOut = async () => {
    setSigningOut(true);
    try {
      const response = await fetch('/api/v1/auth/logout', {
        method: 'POST',
        // Bodyless, but JSON all the same: admin-api refuses a cookie-authenticated write that is not.
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        signal: AbortSignal.timeout(10_000),
      });
      // 401: the session had already ended, which is what signing out wants anyway.
      if (!response.ok && response.status !== 401) throw new Error(`logout answered ${response.status}`);
    } catch {
      setSigningOut(false);
      toast.error('Could not sign you out', { description: 'The control plane did not answer. Try again.' });
      return;
    }
    router.replace('/login');
    router.refresh();
  };

  return (
    <PopoverMenu
      triggerClassName="p-1 sm:pr-2.5"
      panelClassName="w-64"
      trigger={
        <>
          <span
            aria-hidden="true"
            className="flex size-8 items-center justify-center rounded-full bg-indigo-600 text-xs font-semibold text-white"
          >
            {initials(name, email)}
          </span>
          <span className="hidden max-w-40 truncate sm:inline">{name}</span>
          <Icon name="chevronDown" className="hidden size-4 text-slate-400 sm:block" />
          <span className="sr-only">Account menu</span>
        </>
      }
    >
      <div className="px-3 pt-2 pb-3">
        <p className="truncate text-sm font-semibold text-slate-950">{name}</p>
        <p className="truncate text-sm text-slate-500">{email}</p>
        {isPlatformAdmin && (
          <Badge tone="brand" className="mt-2">
            Platform admin
          </Badge>
        )}
      </div>
      <div className="border-t border-slate-100 pt-1.5">
        <Link href="/account" className={menuItemClasses}>
          <Icon name="users" className="size-4 text-slate-500" />
          Your account
        </Link>
        <button
          type="button"
          onClick={() => void signOut()}
          disabled={signingOut}
          className={cx(menuItemClasses, 'disabled:opacity-60')}
        >
          <Icon name="logout" className="size-4 text-slate-500" />
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </PopoverMenu>
  );
}
