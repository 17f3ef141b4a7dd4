import { cx } from '@gatehouse/ui';
import { diffLines, diffStats } from '../../lib/line-diff';

const MARK = { same: ' ', added: '+', removed: '−' } as const;
const SPOKEN = { same: '', added: 'added: ', removed: 'removed: ' } as const;

/** Two texts' line diff, unified: removed lines in red, added ones in green, each with its line numbers. */
export function LineDiffView({ before, after, label }: { before: string; after: string; label: string }) {
  const lines = diffLines(before, after);
  const { added, removed } = diffStats(lines);
  return (
    <figure className="space-y-2">
      <figcaption className="text-sm text-slate-600">
        {label}:{' '}
        {added === 0 && removed === 0 ? (
          'no difference'
        ) : (
          <>
            <span className="font-medium text-emerald-800">+{added}</span>{' '}
            <span className="font-medium text-rose-800">−{removed}</span> lines
          </>
        )}
      </figcaption>
      <div
        tabIndex={0}
        role="region"
        aria-label={label}
        className="max-h-96 overflow-auto rounded-lg border border-slate-200 bg-white font-mono text-xs leading-5 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
      >
        <ol className="min-w-max py-1">
          {lines.map((line, index) => (
            <li
              key={index}
              data-diff={line.kind}
              className={cx(
                'flex whitespace-pre',
                line.kind === 'added' && 'bg-emerald-50 text-emerald-950',
                line.kind === 'removed' && 'bg-rose-50 text-rose-950',
              )}
            >
              <span aria-hidden="true" className="w-9 shrink-0 pr-1 text-right text-slate-400 select-none">
                {line.kind === 'added' ? '' : line.oldLine}
              </span>
              <span aria-hidden="true" className="w-9 shrink-0 pr-1 text-right text-slate-400 select-none">
                {line.kind === 'removed' ? '' : line.newLine}
              </span>
              <span aria-hidden="true" className="w-5 shrink-0 text-center select-none">
                {MARK[line.kind]}
              </span>
              <span className="pr-3">
                <span className="sr-only">{SPOKEN[line.kind]}</span>
                {line.text}
              </span>
            </li>
          ))}
        </ol>
      </div>
    </figure>
  );
}
