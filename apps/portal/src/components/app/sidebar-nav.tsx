'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cx, focusRing } from '@gatehouse/ui';
import { isActive, type NavItem } from '../../lib/navigation';
import { Icon } from '../icons';

export interface NavSection {
  label: string;
  items: NavItem[];
}

/** The app's navigation, used by the desktop sidebar and the phone menu. The current page is marked for everyone. */
export function SidebarNav({ sections }: { sections: NavSection[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-6">
      {sections.map((section) => (
        <div key={section.label}>
          <p className="px-3 text-xs font-semibold tracking-wide text-slate-500 uppercase">{section.label}</p>
          <ul className="mt-2 space-y-0.5">
            {section.items.map((item) => {
              const active = isActive(item, pathname);
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={active ? 'page' : undefined}
                    className={cx(
                      'group flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors',
                      active
                        ? 'bg-indigo-50 text-indigo-700'
                        : 'text-slate-600 hover:bg-slate-100 hover:text-slate-950',
                      focusRing,
                    )}
                  >
                    <Icon
                      name={item.icon}
                      className={cx(
                        'size-5 shrink-0',
                        active ? 'text-indigo-600' : 'text-slate-400 group-hover:text-slate-600',
                      )}
                    />
                    {item.label}
                    {item.badge && (
                      <span
                        className={cx(
                          'ml-auto min-w-5 rounded-full px-1.5 py-0.5 text-center text-xs font-semibold tabular-nums',
                          active ? 'bg-indigo-600 text-white' : 'bg-indigo-100 text-indigo-700',
                        )}
                      >
                        <span aria-hidden="true">{item.badge.text}</span>
                        <span className="sr-only">, {item.badge.label}</span>
                      </span>
                    )}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
