'use client';

import { useId, useRef, type RefObject } from 'react';
import { cx } from '@gatehouse/ui';

// The text's line height in pixels: leading-6. The gutter and the line marks are laid out on it.
const LINE_HEIGHT = 24;
// py-2.5, above the first line.
const PADDING_TOP = 10;

/**
 * A plain text area with line numbers for YAML, whose lines with a problem are marked in the gutter and behind the
 * text. Lines do not wrap, so line N of the text is always beside number N; the gutter and the marks follow the text
 * area's scrolling. (The repository has no code editor component, and a text area keeps the browser's own editing,
 * undo, spelling off and accessibility.)
 */
export function YamlEditor({
  label,
  value,
  onChange,
  problemLines,
  describedBy,
  textareaRef,
  disabled,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** 1-based lines that have a problem. */
  problemLines: ReadonlySet<number>;
  /** The id of what describes the text (its list of problems), announced with it. */
  describedBy?: string;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  disabled?: boolean;
}) {
  const id = useId();
  const gutterRef = useRef<HTMLDivElement>(null);
  const marksRef = useRef<HTMLDivElement>(null);
  const lineCount = Math.max(1, value.split('\n').length);
  const invalid = problemLines.size > 0;

  const follow = () => {
    const textarea = textareaRef.current;
    if (!textarea) return;
    const shift = `translateY(${-textarea.scrollTop}px)`;
    if (gutterRef.current) gutterRef.current.style.transform = shift;
    if (marksRef.current) marksRef.current.style.transform = shift;
  };

  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      <div
        className={cx(
          'relative mt-1.5 flex overflow-hidden rounded-lg border bg-white font-mono text-sm leading-6 shadow-xs',
          'focus-within:border-indigo-500 focus-within:ring-3 focus-within:ring-indigo-500/20',
          invalid ? 'border-rose-400' : 'border-slate-300',
        )}
      >
        <div aria-hidden="true" className="w-11 shrink-0 overflow-hidden border-r border-slate-200 bg-slate-50 sm:w-12">
          <div ref={gutterRef} className="py-2.5 text-right text-xs leading-6 text-slate-500 select-none">
            {Array.from({ length: lineCount }, (_, index) => {
              const line = index + 1;
              const marked = problemLines.has(line);
              return (
                <div
                  key={line}
                  data-problem-line={marked ? line : undefined}
                  className={cx('h-6 pr-2', marked && 'bg-rose-100 font-semibold text-rose-700')}
                >
                  {marked && <span className="mr-0.5">!</span>}
                  {line}
                </div>
              );
            })}
          </div>
        </div>
        <div className="relative min-w-0 flex-1">
          <div ref={marksRef} aria-hidden="true" className="pointer-events-none absolute inset-x-0 top-0">
            {[...problemLines].map((line) => (
              <div
                key={line}
                className="absolute inset-x-0 h-6 bg-rose-50"
                style={{ top: PADDING_TOP + (line - 1) * LINE_HEIGHT }}
              />
            ))}
          </div>
          <textarea
            id={id}
            ref={textareaRef}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            onScroll={follow}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            disabled={disabled}
            rows={Math.min(Math.max(lineCount + 1, 14), 32)}
            wrap="off"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            autoCorrect="off"
            className="relative block w-full resize-y overflow-auto bg-transparent px-3 py-2.5 font-mono text-base leading-6 sm:text-sm whitespace-pre text-slate-950 outline-none disabled:cursor-not-allowed disabled:text-slate-500"
          />
        </div>
      </div>
    </div>
  );
}

/** Puts the caret on a line of the text area, selects it and scrolls it into view: "go to line". */
export function selectLine(textarea: HTMLTextAreaElement, line: number): void {
  const lines = textarea.value.split('\n');
  const index = Math.min(Math.max(line, 1), lines.length) - 1;
  let start = 0;
  for (let current = 0; current < index; current += 1) start += (lines[current]?.length ?? 0) + 1;
  const end = start + (lines[index]?.length ?? 0);
  textarea.focus();
  textarea.setSelectionRange(start, end);
  // A third of the way down, so the lines around it are in view too.
  textarea.scrollTop = Math.max(0, index * LINE_HEIGHT - textarea.clientHeight / 3);
}
