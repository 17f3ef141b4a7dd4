/**
 * One visible focus style for every interactive element: keyboard users must always see where they are
 * (WCAG 2.4.7), while mouse clicks do not leave a ring behind (`focus-visible`).
 */
export const focusRing =
  'outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:ring-offset-white';
