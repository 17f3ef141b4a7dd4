'use client';

import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { cx } from './lib/class-names';
import { focusRing } from './lib/focus-ring';

export interface DialogProps {
  open: boolean;
  /** Called on Escape, on the close button and on a click on the backdrop; the parent decides whether to close. */
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  /** The row of buttons at the bottom, such as Cancel and the confirming action. */
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** `center` for confirmations and forms; `left` for a navigation sheet on small screens. */
  placement?: 'center' | 'left';
  className?: string;
}

const sizeClasses = { sm: 'sm:max-w-md', md: 'sm:max-w-lg', lg: 'sm:max-w-2xl' } as const;

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog on the native `<dialog>` element: `showModal()` makes the rest of the page inert, puts the dialog
 * in the top layer and closes on Escape; the keydown handler below also keeps Tab cycling inside the dialog rather
 * than escaping to the browser's toolbar. Focus returns to the element that opened it when it closes.
 * The content is mounted only while open, so a form inside starts fresh each time.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  size = 'md',
  placement = 'center',
  className,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // The page behind a modal must not scroll under it on touch devices.
      const previous = document.documentElement.style.overflow;
      document.documentElement.style.overflow = 'hidden';
      return () => {
        document.documentElement.style.overflow = previous;
      };
    }
    if (!open && dialog.open) dialog.close();
    return undefined;
  }, [open]);

  // Close the native dialog if the component unmounts while open, so the page does not stay inert.
  useEffect(() => {
    const dialog = ref.current;
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Tab' || !ref.current) return;
    const focusable = Array.from(ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
      (element) => element.offsetParent !== null || element === document.activeElement,
    );
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        // Escape: let the parent own the open state instead of the browser closing it behind React's back.
        event.preventDefault();
        onClose();
      }}
      onKeyDown={onKeyDown}
      onMouseDown={(event) => {
        // A press on the backdrop lands on the <dialog> itself; presses inside land on its content.
        if (event.target === event.currentTarget) onClose();
      }}
      className={cx(
        'bg-transparent p-0 text-slate-900 backdrop:bg-slate-950/50 backdrop:backdrop-blur-[2px]',
        placement === 'center' && 'm-auto w-full max-w-[calc(100vw-2rem)]',
        placement === 'center' && sizeClasses[size],
        placement === 'left' && 'm-0 h-dvh max-h-none w-80 max-w-[85vw]',
        className,
      )}
    >
      {open && (
        <div
          className={cx(
            'flex max-h-[calc(100dvh-2rem)] flex-col bg-white shadow-2xl shadow-slate-950/20',
            placement === 'center' ? 'rounded-2xl ring-1 ring-slate-900/5' : 'h-full max-h-none',
          )}
        >
          <div className="flex items-start justify-between gap-4 px-5 pt-5 sm:px-6">
            <div className="min-w-0">
              <h2 id={titleId} className="text-lg font-semibold tracking-tight text-slate-950">
                {title}
              </h2>
              {description && (
                <div id={descriptionId} className="mt-1 text-sm leading-6 text-slate-600">
                  {description}
                </div>
              )}
            </div>
            <button
              type="button"
              onClick={onClose}
              className={cx(
                '-mt-1 -mr-2 inline-flex size-9 shrink-0 items-center justify-center rounded-lg text-slate-500 hover:bg-slate-100 hover:text-slate-900',
                focusRing,
              )}
            >
              <svg
                aria-hidden="true"
                viewBox="0 0 24 24"
                fill="none"
                stroke="currentColor"
                strokeWidth="2"
                strokeLinecap="round"
                className="size-5"
              >
                <path d="M6 6l12 12M18 6 6 18" />
              </svg>
              <span className="sr-only">Close</span>
            </button>
          </div>
          <div className="min-h-0 flex-1 overflow-y-auto px-5 py-5 sm:px-6">{children}</div>
          {footer && (
            <div className="flex flex-col-reverse gap-2 border-t border-slate-100 bg-slate-50/60 px-5 py-4 sm:flex-row sm:justify-end sm:rounded-b-2xl sm:px-6">
              {footer}
            </div>
          )}
        </div>
      )}
    </dialog>
  );
}
