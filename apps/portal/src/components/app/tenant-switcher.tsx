'use client';

import type { AuthMembership } from '@gatehouse/contracts';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Badge, cx, menuItemClasses, PopoverMenu } from '@gatehouse/ui';
import { roleLabel } from '../../lib/roles';
import { switchTenantPath } from '../../lib/navigation';
import { Icon } from '../icons';

export interface CurrentTenant {
  id: string;
  name: string;
  role: AuthMembership['role'];
}

/**
 * The workspace being viewed, and for people in several, a menu to switch to another one on the same page
 * (keys → keys). A single-workspace user sees the name only: a menu with one entry would be noise.
 */
export function TenantSwitcher({
  memberships,
  current,
}: {
  memberships: AuthMembership[];
  current: CurrentTenant | null;
}) {
  const pathname = usePathname();
  const others = memberships.filter((membership) => membership.tenantId !== current?.id);

  const label = (
    <span className="flex min-w-0 items-center gap-2.5">
      <span
        aria-hidden="true"
        className="flex size-7 shrink-0 items-center justify-center rounded-md bg-slate-900 text-xs font-semibold text-white"
      >
        {(current?.name ?? 'G').slice(0, 1).toUpperCase()}
      </span>
      <span className="min-w-0 truncate font-semibold text-slate-900">{current?.name ?? 'Choose a workspace'}</span>
    </span>
  );

  if (others.length === 0) {
    return <div className="flex min-w-0 items-center px-1 text-sm">{label}</div>;
  }

  return (
    <PopoverMenu
      align="start"
      className="min-w-0"
      triggerClassName="min-w-0 max-w-full px-1.5 py-1.5"
      panelClassName="w-72"
      trigger={
        <>
          {label}
          <Icon name="chevronUpDown" className="size-4 shrink-0 text-slate-400" />
          <span className="sr-only">, switch workspace</span>
        </>
      }
    >
      <p className="px-3 pt-1.5 pb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Workspaces</p>
      <ul>
        {memberships.map((membership) => {
          const isCurrent = membership.tenantId === current?.id;
          return (
            <li key={membership.tenantId}>
              <Link
                href={switchTenantPath(pathname, membership.tenantId)}
                aria-current={isCurrent ? 'page' : undefined}
                className={cx(menuItemClasses, 'justify-between', isCurrent && 'bg-indigo-50/70')}
              >
                <span className="min-w-0 truncate font-medium">{membership.tenantName}</span>
                <span className="flex shrink-0 items-center gap-2">
                  <Badge tone={isCurrent ? 'brand' : 'neutral'}>{roleLabel[membership.role]}</Badge>
                  {isCurrent && <Icon name="check" className="size-4 text-indigo-600" />}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </PopoverMenu>
  );
}
