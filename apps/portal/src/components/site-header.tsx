import Link from 'next/link';
import { buttonClasses, focusRing, Logo } from '@gatehouse/ui';

const sections = [
  { href: '/#features', label: 'Features' },
  { href: '/#roles', label: 'How it works' },
  { href: '/#quick-start', label: 'Quick start' },
];

export function SiteHeader() {
  return (
    <header className="sticky top-0 z-40 border-b border-slate-200/80 bg-white/85 backdrop-blur-md supports-[backdrop-filter]:bg-white/70">
      <div className="mx-auto flex h-16 max-w-7xl items-center justify-between gap-4 px-4 sm:px-6 lg:px-8">
        <div className="flex items-center gap-10">
          <Link href="/" aria-label="Gatehouse home" className={`rounded-lg ${focusRing}`}>
            <Logo />
          </Link>
          <nav aria-label="Sections" className="hidden md:block">
            <ul className="flex items-center gap-1">
              {sections.map((section) => (
                <li key={section.href}>
                  <a
                    href={section.href}
                    className={`rounded-lg px-3 py-2 text-sm font-medium text-slate-600 transition-colors hover:bg-slate-100 hover:text-slate-950 ${focusRing}`}
                  >
                    {section.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </div>
        <nav aria-label="Account" className="flex items-center gap-1 sm:gap-2">
          <Link href="/login" className={buttonClasses({ variant: 'ghost', size: 'sm' })}>
            Sign in
          </Link>
          {/* Short label on phones; each label is the whole accessible name at its size (display: none hides the other). */}
          <Link href="/signup" className={buttonClasses({ size: 'sm' })}>
            <span className="sm:hidden">Sign up</span>
            <span className="hidden sm:inline">Create an account</span>
          </Link>
        </nav>
      </div>
    </header>
  );
}
