import type { SVGProps } from 'react';

// Outline icons drawn on a 24px grid. They are decorative: the text next to each one carries the meaning.
const paths = {
  key: (
    <>
      <circle cx="8" cy="15" r="4.25" />
      <path d="m11.2 11.8 8.3-8.3M16.5 6.5l2.5 2.5M14.5 8.5l2 2" />
    </>
  ),
  approval: (
    <>
      <rect x="4.75" y="4.5" width="14.5" height="16.25" rx="2.25" />
      <path d="M9 4.5V3.25h6V4.5M8.75 13l2.25 2.25 4.25-4.5" />
    </>
  ),
  gauge: (
    <>
      <path d="M3.75 16.5a8.25 8.25 0 1 1 16.5 0" />
      <path d="m12 16.5 4.25-5" />
      <path d="M3 20.25h18" />
    </>
  ),
  chart: <path d="M4 20.25h16M6.5 20.25v-6M11.5 20.25V5.75M16.5 20.25v-9.5" />,
  shield: (
    <>
      <path d="M12 3 5 5.75v5.5c0 4.4 2.9 8.2 7 9.75 4.1-1.55 7-5.35 7-9.75v-5.5L12 3Z" />
      <path d="m9 12 2.1 2.1L15.25 10" />
    </>
  ),
  route: (
    <>
      <circle cx="5.5" cy="6" r="2" />
      <circle cx="5.5" cy="18" r="2" />
      <circle cx="18.5" cy="12" r="2" />
      <path d="M7.5 6h2.25A3.25 3.25 0 0 1 13 9.25v0A2.75 2.75 0 0 0 15.75 12h.75M7.5 18h2.25A3.25 3.25 0 0 0 13 14.75v0A2.75 2.75 0 0 1 15.75 12" />
    </>
  ),
  users: (
    <>
      <circle cx="9" cy="8" r="3.5" />
      <path d="M2.75 20a6.25 6.25 0 0 1 12.5 0M15.75 4.6a3.5 3.5 0 0 1 0 6.8M18 14.1a6.25 6.25 0 0 1 3.25 5.9" />
    </>
  ),
  sliders: (
    <>
      <path d="M4 6.5h9.5M17.5 6.5H20M4 12h3.5M11.5 12H20M4 17.5h11.5M19.5 17.5h.5" />
      <circle cx="15.5" cy="6.5" r="2" />
      <circle cx="9.5" cy="12" r="2" />
      <circle cx="17.5" cy="17.5" r="2" />
    </>
  ),
  bolt: <path d="M13.25 2.75 4.75 13.5h6.5l-1 7.75 8.5-10.75h-6.5l1-7.75Z" />,
  check: <path d="m5 12.5 4.5 4.5L19 7.5" />,
  home: (
    <>
      <path d="M3.75 10.5 12 3.75l8.25 6.75" />
      <path d="M5.75 9v10.25a1 1 0 0 0 1 1h3.5v-5.5h3.5v5.5h3.5a1 1 0 0 0 1-1V9" />
    </>
  ),
  grid: (
    <>
      <rect x="4" y="4" width="6.5" height="6.5" rx="1.5" />
      <rect x="13.5" y="4" width="6.5" height="6.5" rx="1.5" />
      <rect x="4" y="13.5" width="6.5" height="6.5" rx="1.5" />
      <rect x="13.5" y="13.5" width="6.5" height="6.5" rx="1.5" />
    </>
  ),
  bell: (
    <>
      <path d="M6.25 16.25V11a5.75 5.75 0 0 1 11.5 0v5.25l1.5 1.75H4.75l1.5-1.75Z" />
      <path d="M10 20.25a2.25 2.25 0 0 0 4 0" />
    </>
  ),
  menu: <path d="M4 7h16M4 12h16M4 17h16" />,
  chevronUpDown: <path d="m8 9.5 4-4 4 4M8 14.5l4 4 4-4" />,
  chevronDown: <path d="m6.5 9.5 5.5 5.5 5.5-5.5" />,
  logout: (
    <>
      <path d="M14.25 4.75h3.5a1.5 1.5 0 0 1 1.5 1.5v11.5a1.5 1.5 0 0 1-1.5 1.5h-3.5" />
      <path d="M10 8.25 6.25 12 10 15.75M6.5 12h9" />
    </>
  ),
  plus: <path d="M12 5v14M5 12h14" />,
  close: <path d="m6.5 6.5 11 11m0-11-11 11" />,
  tag: (
    <>
      <path d="M3.75 12.6V4.75a1 1 0 0 1 1-1h7.85a1 1 0 0 1 .7.3l7.2 7.2a1 1 0 0 1 0 1.4l-7.85 7.85a1 1 0 0 1-1.4 0l-7.2-7.2a1 1 0 0 1-.3-.7Z" />
      <path d="M8.25 8.25h.01" />
    </>
  ),
  rotate: (
    <>
      <path d="M19.5 12a7.5 7.5 0 1 1-2.2-5.3" />
      <path d="M19.75 4.5v4.25H15.5" />
    </>
  ),
  ban: (
    <>
      <circle cx="12" cy="12" r="8.25" />
      <path d="m6.25 6.25 11.5 11.5" />
    </>
  ),
  terminal: (
    <>
      <rect x="3.75" y="4.75" width="16.5" height="14.5" rx="2" />
      <path d="m7.5 10 2.5 2.25L7.5 14.5M12 14.5h4" />
    </>
  ),
  alert: (
    <>
      <path d="M12 4.25 2.75 19.75h18.5L12 4.25Z" />
      <path d="M12 10v4M12 17h.01" />
    </>
  ),
  logs: (
    <>
      <path d="M8.75 6.75h11M8.75 12h11M8.75 17.25h11" />
      <path d="M4.25 6.75h.01M4.25 12h.01M4.25 17.25h.01" />
    </>
  ),
  arrowRight: <path d="M4.5 12h15M13.5 6l6 6-6 6" />,
  server: (
    <>
      <rect x="3.75" y="4" width="16.5" height="6.5" rx="1.75" />
      <rect x="3.75" y="13.5" width="16.5" height="6.5" rx="1.75" />
      <path d="M7.5 7.25h.01M7.5 16.75h.01" />
    </>
  ),
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, ...rest }: { name: IconName } & SVGProps<SVGSVGElement>) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      {paths[name]}
    </svg>
  );
}
