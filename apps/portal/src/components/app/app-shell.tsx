import type { AuthUser } from '@gatehouse/contracts';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { focusRing, Logo, LogoMark } from '@gatehouse/ui';
import { adminNavigation, tenantNavigation, type TenantNavigationState } from '../../lib/navigation';
import { SkipLink } from '../skip-link';
import { MobileNav } from './mobile-nav';
import { SidebarNav, type NavSection } from './sidebar-nav';
import { TenantSwitcher, type CurrentTenant } from './tenant-switcher';
import { UserMenu } from './user-menu';

interface AppShellProps {
  user: AuthUser;
  /** The workspace in view; on admin pages, the one the tenant links lead back to (null when the user has none). */
  tenant: CurrentTenant | null;
  /** Counts for the workspace's sidebar badges, read by the tenant layout. */
  tenantState?: TenantNavigationState;
  children: ReactNode;
}

/**
 * The frame of every signed-in page: a sidebar from the laptop breakpoint up (a menu sheet below it), and a header
 * with the workspace switcher and the account menu. Pages render their own PageHeader inside `main`.
 */
export function AppShell({ user, tenant, tenantState, children }: AppShellProps) {
  const sections: NavSection[] = [];
  if (tenant) sections.push({ label: 'Workspace', items: tenantNavigation(tenant.id, tenantState) });
  if (user.isPlatformAdmin) sections.push({ label: 'Admin', items: adminNavigation });
  const home = tenant ? `/t/${encodeURIComponent(tenant.id)}` : user.isPlatformAdmin ? '/admin' : '/t';

  return (
    <div className="min-h-dvh bg-slate-50">
      <SkipLink />
      <aside className="hidden border-r border-slate-200 bg-white lg:fixed lg:inset-y-0 lg:flex lg:w-64 lg:flex-col">
        <div className="flex h-16 shrink-0 items-center px-5">
          <Link href={home} aria-label="Gatehouse, workspace overview" className={`rounded-lg ${focusRing}`}>
            <Logo />
          </Link>
        </div>
        <div className="flex-1 overflow-y-auto px-3 pt-4 pb-8">
          <SidebarNav sections={sections} />
        </div>
      </aside>

      <div className="lg:pl-64">
        <header className="sticky top-0 z-30 border-b border-slate-200/80 bg-white/85 backdrop-blur-md supports-[backdrop-filter]:bg-white/70">
          <div className="flex h-16 items-center gap-2 px-4 sm:gap-3 sm:px-6 lg:px-8">
            <MobileNav sections={sections} />
            <Link
              href={home}
              aria-label="Gatehouse, workspace overview"
              className={`shrink-0 rounded-lg lg:hidden ${focusRing}`}
            >
              <LogoMark />
            </Link>
            <span aria-hidden="true" className="mx-1 h-6 w-px bg-slate-200 lg:hidden" />
            <div className="min-w-0 flex-1">
              <TenantSwitcher memberships={user.memberships} current={tenant} />
            </div>
            <UserMenu name={user.name} email={user.email} isPlatformAdmin={user.isPlatformAdmin} />
          </div>
        </header>
        <main id="main" className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 lg:px-8 lg:py-10">
          {children}
        </main>
      </div>
    </div>
  );
}
