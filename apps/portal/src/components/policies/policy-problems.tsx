'use client';

import { policyProblemSchema, type PolicyProblemResponse } from '@gatehouse/contracts';
import { z } from 'zod';
import { cx, focusRing } from '@gatehouse/ui';
import type { AdminApiError } from '../../lib/api/errors';

/**
 * The problems admin-api found in a document, each with its YAML path and line. A line is a button that takes the
 * editor there; the list is a live region, so a check's outcome is announced where it appears.
 */
export function PolicyProblems({
  id,
  problems,
  onGoToLine,
}: {
  id: string;
  problems: PolicyProblemResponse[];
  onGoToLine: (line: number) => void;
}) {
  return (
    <div id={id} role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-950">
      <p className="font-semibold">
        {problems.length === 1 ? 'The document has one problem' : `The document has ${problems.length} problems`}
      </p>
      <ul className="mt-2 space-y-1.5" aria-label="Problems in the document">
        {problems.map((problem, index) => (
          <li key={index} className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
            {problem.line !== null ? (
              <button
                type="button"
                onClick={() => onGoToLine(problem.line ?? 1)}
                className={cx(
                  'rounded font-mono text-xs font-semibold whitespace-nowrap text-rose-800 underline underline-offset-2 hover:text-rose-950',
                  focusRing,
                )}
              >
                Line {problem.line}
              </button>
            ) : (
              <span className="font-mono text-xs font-semibold whitespace-nowrap text-rose-800">Document</span>
            )}
            {problem.field && <code className="font-mono text-xs break-all">{problem.field}</code>}
            <span className="min-w-0">{reasonText(problem)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A save's refusal leads each reason with its line (`line 9: …`), which the list already shows. */
function reasonText(problem: PolicyProblemResponse): string {
  const prefix = `line ${problem.line}: `;
  return problem.line !== null && problem.reason.startsWith(prefix)
    ? problem.reason.slice(prefix.length)
    : problem.reason;
}

const problemListSchema = z.array(policyProblemSchema);

/** The document's problems in a refused save (`400 validation_failed`, `details: [{ field, reason, line }]`). */
export function problemsOfRefusal(error: AdminApiError): PolicyProblemResponse[] | null {
  if (error.status !== 400) return null;
  const details = problemListSchema.safeParse(error.details);
  return details.success && details.data.length > 0 ? details.data : null;
}
