'use client';

import { memberSchema, type MemberRole } from '@gatehouse/contracts';
import { useId, useState } from 'react';
import { Button, cx } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import { roleLabel } from '../../lib/roles';
import { LAST_OWNER_MESSAGE, memberErrorMessage } from './remove-member-dialog';
import { ROLE_CHOICES, type MemberRow } from './types';

/**
 * A member's role, for owners to change. Choosing a role only stages it; Save applies it. Applying on every change
 * would send a request per arrow key on platforms whose closed selects change value with the arrows.
 */
export function MemberRoleControl({
  member,
  isOnlyOwner,
  isSelf,
  tenantId,
  onChanged,
}: {
  member: MemberRow;
  isOnlyOwner: boolean;
  isSelf: boolean;
  tenantId: string;
  onChanged: (member: MemberRow, previous: MemberRole) => void;
}) {
  const id = useId();
  const [role, setRole] = useState<MemberRole>(member.role);
  const [saved, setSaved] = useState<MemberRole>(member.role);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  // The server's answer (after router.refresh) wins when it differs from what this control last saved, such as a
  // change another owner made; a refresh that only confirms the save leaves a newer choice in progress alone.
  const [reported, setReported] = useState(member.role);
  if (reported !== member.role) {
    setReported(member.role);
    if (member.role !== saved) {
      setSaved(member.role);
      setRole(member.role);
    }
  }

  const dirty = role !== saved;
  const blocked = dirty && isOnlyOwner && role !== 'OWNER';
  const message = blocked
    ? LAST_OWNER_MESSAGE
    : dirty && isSelf && role !== 'OWNER' && saved === 'OWNER'
      ? 'You will no longer be able to manage members.'
      : null;

  const save = async () => {
    setSaving(true);
    setError(null);
    const result = await callApi('PATCH', tenantPath(tenantId, `/members/${encodeURIComponent(member.userId)}`), {
      body: { role },
      schema: memberSchema,
    });
    setSaving(false);
    if (!result.ok) {
      setError(memberErrorMessage(result.error));
      return;
    }
    setSaved(result.data.role);
    onChanged(result.data, saved);
  };

  const cancel = () => {
    setRole(saved);
    setError(null);
  };

  const describedBy = [message ? `${id}-message` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');

  return (
    <div className="min-w-40">
      <div className="flex flex-wrap items-center gap-1.5">
        <label htmlFor={id} className="sr-only">
          Role of {member.name}
        </label>
        <select
          id={id}
          value={role}
          onChange={(event) => {
            setRole(event.target.value as MemberRole);
            setError(null);
          }}
          disabled={saving}
          aria-describedby={describedBy || undefined}
          aria-invalid={blocked || error ? true : undefined}
          className={cx(
            'h-9 rounded-lg border bg-white pr-8 pl-2.5 text-sm text-slate-950 shadow-xs outline-none',
            'focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/20 disabled:bg-slate-50 disabled:text-slate-500',
            blocked || error ? 'border-rose-400' : 'border-slate-300 hover:border-slate-400',
          )}
        >
          {ROLE_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        {dirty && (
          <>
            <Button size="sm" onClick={() => void save()} loading={saving} disabled={blocked}>
              Save role<span className="sr-only"> of {member.name}</span>
            </Button>
            <Button variant="ghost" size="sm" onClick={cancel} disabled={saving}>
              Cancel<span className="sr-only"> the change of {member.name}&apos;s role</span>
            </Button>
          </>
        )}
      </div>
      {message && (
        <p
          id={`${id}-message`}
          className={cx('mt-1.5 max-w-xs text-xs whitespace-normal', blocked ? 'text-rose-700' : 'text-amber-800')}
        >
          {message}
        </p>
      )}
      {error && (
        <p
          id={`${id}-error`}
          role="alert"
          className="mt-1.5 max-w-xs text-xs font-medium whitespace-normal text-rose-700"
        >
          {error}
        </p>
      )}
      {dirty && !blocked && !message && (
        <p className="sr-only" aria-live="polite">
          {`${roleLabel[role]} selected. Save to apply.`}
        </p>
      )}
    </div>
  );
}
