import Link from 'next/link';
import { cx, focusRing } from '@gatehouse/ui';

/**
 * A segmented choice of report ranges, as links: the range lives in the address (`?range=7`), so a view can be
 * shared or bookmarked and works before any script loads.
 */
export function RangeSelector({
  ranges,
  current,
  hrefFor,
  label,
}: {
  ranges: readonly number[];
  current: number;
  hrefFor: (days: number) => string;
  label: string;
}) {
  return (
    <nav aria-label={label}>
      <ul className="inline-flex rounded-lg bg-slate-100 p-1 ring-1 ring-slate-200 ring-inset">
        {ranges.map((days) => {
          const active = days === current;
          return (
            <li key={days}>
              <Link
                href={hrefFor(days)}
                aria-current={active ? 'page' : undefined}
                scroll={false}
                className={cx(
                  'inline-flex h-8 items-center rounded-md px-3 text-sm font-medium whitespace-nowrap transition-colors',
                  focusRing,
                  active ? 'bg-white text-slate-950 shadow-sm' : 'text-slate-600 hover:text-slate-950',
                )}
              >
                {days} days
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
