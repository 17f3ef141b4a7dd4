import { cx } from './lib/class-names';

export interface QuotaBarProps {
  label: string;
  /** Used / limit × 100; may pass 100 when usage overshot. */
  percent: number;
  /** The used and limit amounts as people read them, such as "$12.40" and "$50". */
  usedLabel: string;
  limitLabel: string;
  className?: string;
}

/** The share of a quota or budget that is used. Amber from 80 %, red at 100 %: the default alert thresholds. */
export function QuotaBar({ label, percent, usedLabel, limitLabel, className }: QuotaBarProps) {
  const shown = Math.max(0, Math.min(100, percent));
  const tone = percent >= 100 ? 'bg-rose-500' : percent >= 80 ? 'bg-amber-500' : 'bg-indigo-500';
  const percentText = `${percent >= 10 || percent === 0 ? Math.round(percent) : percent.toFixed(1)}%`;
  return (
    <div className={className}>
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="min-w-0 truncate font-medium text-slate-700">{label}</span>
        <span className="shrink-0 text-slate-500 tabular-nums">
          <span className="font-medium text-slate-900">{usedLabel}</span> of {limitLabel}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(shown)}
        aria-valuetext={`${usedLabel} of ${limitLabel} (${percentText})`}
        className="mt-2 h-2 overflow-hidden rounded-full bg-slate-100"
      >
        <div className={cx('h-full rounded-full transition-[width]', tone)} style={{ width: `${shown}%` }} />
      </div>
      <p
        className={cx(
          'mt-1 text-xs tabular-nums',
          percent >= 100 ? 'font-medium text-rose-700' : percent >= 80 ? 'text-amber-700' : 'text-slate-500',
        )}
      >
        {percentText} used{percent >= 100 ? ': limit reached' : ''}
      </p>
    </div>
  );
}
