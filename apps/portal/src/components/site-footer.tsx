import Link from 'next/link';
import { focusRing, Logo } from '@gatehouse/ui';

const columns = [
  {
    heading: 'Product',
    links: [
      { href: '/#features', label: 'Features' },
      { href: '/#roles', label: 'How it works' },
      { href: '/#quick-start', label: 'Quick start' },
    ],
  },
  {
    heading: 'Account',
    links: [
      { href: '/login', label: 'Sign in' },
      { href: '/signup', label: 'Create an account' },
    ],
  },
];

export function SiteFooter() {
  return (
    <footer className="border-t border-slate-200 bg-slate-50">
      <div className="mx-auto grid max-w-7xl gap-10 px-4 py-14 sm:px-6 md:grid-cols-[1.5fr_1fr_1fr] lg:px-8">
        <div className="max-w-sm">
          <Logo />
          <p className="mt-4 text-sm leading-6 text-slate-600">
            The open-source AI gateway and API-management platform. Self-hosted, OpenAI- and Anthropic-compatible,
            licensed under Apache-2.0.
          </p>
        </div>
        {columns.map((column) => (
          <nav key={column.heading} aria-labelledby={`footer-${column.heading}`}>
            <h2 id={`footer-${column.heading}`} className="text-sm font-semibold text-slate-950">
              {column.heading}
            </h2>
            <ul className="mt-4 space-y-3">
              {column.links.map((link) => (
                <li key={link.href}>
                  <Link
                    href={link.href}
                    className={`rounded text-sm text-slate-600 transition-colors hover:text-slate-950 ${focusRing}`}
                  >
                    {link.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        ))}
      </div>
      <div className="border-t border-slate-200">
        <p className="mx-auto max-w-7xl px-4 py-6 text-sm text-slate-600 sm:px-6 lg:px-8">
          © {new Date().getFullYear()} The Gatehouse contributors. Apache License 2.0.
        </p>
      </div>
    </footer>
  );
}
