import { focusRing } from '@gatehouse/ui';

/** The first tab stop on every page: lets keyboard users jump past the header to `<main id="main">`. */
export function SkipLink() {
  return (
    <a
      href="#main"
      className={`sr-only rounded-lg bg-white px-4 py-2 text-sm font-semibold text-slate-950 shadow-lg focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50 ${focusRing}`}
    >
      Skip to content
    </a>
  );
}
