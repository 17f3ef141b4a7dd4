import { cx } from '@gatehouse/ui';

interface SectionHeadingProps {
  id: string;
  eyebrow: string;
  title: string;
  lead: string;
  tone?: 'light' | 'dark';
}

export function SectionHeading({ id, eyebrow, title, lead, tone = 'light' }: SectionHeadingProps) {
  const dark = tone === 'dark';
  return (
    <div className="max-w-2xl">
      <p className={cx('text-sm font-semibold', dark ? 'text-indigo-300' : 'text-indigo-600')}>{eyebrow}</p>
      <h2
        id={id}
        className={cx(
          'mt-3 text-3xl font-semibold tracking-tight text-balance sm:text-4xl',
          dark ? 'text-white' : 'text-slate-950',
        )}
      >
        {title}
      </h2>
      <p className={cx('mt-4 text-lg leading-8 text-pretty', dark ? 'text-slate-300' : 'text-slate-600')}>{lead}</p>
    </div>
  );
}
