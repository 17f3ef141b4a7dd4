'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Dialog, focusRing, cx } from '@gatehouse/ui';
import { Icon } from '../icons';
import { SidebarNav, type NavSection } from './sidebar-nav';

/**
 * Below the laptop breakpoint the sidebar folds into a menu button that opens it as a sheet (a modal dialog: focus
 * stays inside, Escape closes it). Following a link closes it as well.
 */
export function MobileNav({ sections }: { sections: NavSection[] }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();

  useEffect(() => {
    setOpen(false);
  }, [pathname]);

  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-haspopup="dialog"
        className={cx(
          '-ml-1.5 inline-flex size-10 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100 hover:text-slate-950 lg:hidden',
          focusRing,
        )}
      >
        <Icon name="menu" className="size-6" />
        <span className="sr-only">Open navigation</span>
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Navigation" placement="left">
        <SidebarNav sections={sections} />
      </Dialog>
    </>
  );
}
