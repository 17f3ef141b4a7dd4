import type { IconName } from '../components/icons';

/**
 * The sidebar of the signed-in app. Add a page here and it appears in the desktop sidebar and the phone menu alike.
 * `exact` marks an item that is active on its own path only (an overview whose children are other items).
 */
export interface NavItem {
  label: string;
  href: string;
  icon: IconName;
  exact?: boolean;
  /** A count shown next to the label (unread notifications): `text` is drawn, `label` is what screen readers hear. */
  badge?: { text: string; label: string };
}

/** What the tenant layout knows of the workspace beyond its id, for the sidebar's badges. */
export interface TenantNavigationState {
  /** The caller's unread notifications; the layout counts at most UNREAD_BADGE_CAP + 1 of them. */
  unreadNotifications?: number;
}

/** The most unread notifications the sidebar counts exactly; above it the badge says "99+". */
export const UNREAD_BADGE_CAP = 99;

export function tenantNavigation(tenantId: string, state: TenantNavigationState = {}): NavItem[] {
  const base = `/t/${encodeURIComponent(tenantId)}`;
  const unread = state.unreadNotifications ?? 0;
  const over = unread > UNREAD_BADGE_CAP;
  const notificationsBadge =
    unread > 0
      ? {
          text: over ? `${UNREAD_BADGE_CAP}+` : String(unread),
          label: over ? `more than ${UNREAD_BADGE_CAP} unread` : `${unread} unread`,
        }
      : undefined;
  return [
    { label: 'Overview', href: base, icon: 'home', exact: true },
    { label: 'API keys', href: `${base}/keys`, icon: 'key' },
    { label: 'Catalog', href: `${base}/catalog`, icon: 'grid' },
    { label: 'Subscriptions', href: `${base}/subscriptions`, icon: 'approval' },
    { label: 'Usage', href: `${base}/usage`, icon: 'chart' },
    { label: 'Logs', href: `${base}/logs`, icon: 'logs' },
    { label: 'Members', href: `${base}/members`, icon: 'users' },
    { label: 'Policy', href: `${base}/policy`, icon: 'shield' },
    { label: 'Notifications', href: `${base}/notifications`, icon: 'bell', badge: notificationsBadge },
  ];
}

/** Shown only to platform admins. */
export const adminNavigation: NavItem[] = [
  { label: 'Admin overview', href: '/admin', icon: 'shield', exact: true },
  { label: 'Approvals', href: '/admin/approvals', icon: 'approval' },
  { label: 'Tenants', href: '/admin/tenants', icon: 'server' },
  { label: 'Costs', href: '/admin/usage', icon: 'gauge' },
  { label: 'Call log', href: '/admin/logs', icon: 'logs' },
  { label: 'Catalog', href: '/admin/catalog', icon: 'grid' },
  { label: 'Providers', href: '/admin/providers', icon: 'route' },
  { label: 'Policies', href: '/admin/policies', icon: 'sliders' },
  { label: 'Audit log', href: '/admin/audit', icon: 'terminal' },
];

export function isActive(item: NavItem, pathname: string): boolean {
  return item.exact ? pathname === item.href : pathname === item.href || pathname.startsWith(`${item.href}/`);
}

/**
 * The same section in another tenant: switching tenants on the keys page lands on the other tenant's keys page.
 * Anything below the section (an item id) belongs to the old tenant, so it is dropped.
 */
export function switchTenantPath(pathname: string, tenantId: string): string {
  const match = /^\/t\/[^/]+(\/[^/]+)?/.exec(pathname);
  const section = match?.[1] ?? '';
  return `/t/${encodeURIComponent(tenantId)}${section}`;
}
