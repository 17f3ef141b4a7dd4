'use client';

import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { cx } from './lib/class-names';
import { focusRing } from './lib/focus-ring';

export interface PopoverMenuProps {
  /** What the trigger shows. */
  trigger: ReactNode;
  /** The trigger's accessible name when its content alone does not say what it opens. */
  triggerLabel?: string;
  /** Links and buttons; a click on any of them closes the panel. */
  children: ReactNode;
  align?: 'start' | 'end';
  className?: string;
  triggerClassName?: string;
  panelClassName?: string;
}

/**
 * A button that shows a panel of links and actions (the disclosure pattern: Tab moves through the items in page
 * order). Escape closes it and puts focus back on the button; a click outside or on an item closes it too.
 */
export function PopoverMenu({
  trigger,
  triggerLabel,
  children,
  align = 'end',
  className,
  triggerClassName,
  panelClassName,
}: PopoverMenuProps) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    // Tabbing past the last item leaves the menu: close it so it does not hang open behind the focus.
    const onFocusIn = (event: FocusEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('focusin', onFocusIn);
    };
  }, [open]);

  return (
    <div ref={root} className={cx('relative', className)}>
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={triggerLabel}
        onClick={() => setOpen((value) => !value)}
        className={cx(
          'inline-flex items-center gap-2 rounded-lg text-sm font-medium text-slate-700 transition-colors hover:bg-slate-100 hover:text-slate-950',
          focusRing,
          triggerClassName,
        )}
      >
        {trigger}
      </button>
      <div
        id={panelId}
        hidden={!open}
        onClick={(event) => {
          if ((event.target as HTMLElement).closest('a, button')) setOpen(false);
        }}
        className={cx(
          'absolute top-full z-50 mt-2 min-w-56 origin-top rounded-xl border border-slate-200 bg-white p-1.5 shadow-xl shadow-slate-900/10',
          align === 'end' ? 'right-0' : 'left-0',
          panelClassName,
        )}
      >
        {children}
      </div>
    </div>
  );
}

/** The look of an item in a PopoverMenu, for links and buttons alike. */
export const menuItemClasses = cx(
  'flex w-full items-center gap-2.5 rounded-lg px-3 py-2 text-left text-sm text-slate-700 transition-colors hover:bg-slate-100 hover:text-slate-950',
  focusRing,
  'focus-visible:ring-offset-0',
);
