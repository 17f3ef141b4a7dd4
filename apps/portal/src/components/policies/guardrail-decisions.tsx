import type { PolicyActivityResponse } from '@gatehouse/contracts';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@gatehouse/ui';
import { formatInteger } from '../../lib/format';
import { decisionRows, DECISION_LABELS, DECISIONS } from '../../lib/policy-activity';

/**
 * What the policy rules did to the calls of a window (admin-api's activity report), one row per rule: how many
 * calls each refused, redacted, logged, would have acted on in monitor mode, or could not check because an external
 * guardrail service gave no verdict. Access rules and content rules (PII, prompt injection, deny lists) alike.
 */
export function GuardrailDecisions({
  activity,
  caption,
  empty = 'No policy rule acted on a call in this window.',
}: {
  activity: PolicyActivityResponse;
  caption: string;
  empty?: string;
}) {
  const rows = decisionRows(activity.items);
  return (
    <Table caption={caption}>
      <TableHead>
        <tr>
          <TableHeaderCell>Rule</TableHeaderCell>
          {DECISIONS.map((decision) => (
            <TableHeaderCell key={decision} className="text-right">
              {DECISION_LABELS[decision]}
            </TableHeaderCell>
          ))}
        </tr>
      </TableHead>
      <TableBody>
        {rows.length === 0 ? (
          <tr>
            <TableCell colSpan={DECISIONS.length + 1} className="py-6 text-center text-slate-500">
              {empty}
            </TableCell>
          </tr>
        ) : (
          rows.map((row) => (
            <TableRow key={row.key}>
              <TableCell className="min-w-44">
                <span className="block font-medium text-slate-900">{row.label}</span>
                <span className="block font-mono text-xs text-slate-500">{row.rule}</span>
              </TableCell>
              {DECISIONS.map((decision) => (
                <TableCell key={decision} className="text-right tabular-nums">
                  {row.counts[decision] === 0 ? (
                    <span className="text-slate-400">–</span>
                  ) : (
                    formatInteger(row.counts[decision])
                  )}
                </TableCell>
              ))}
            </TableRow>
          ))
        )}
      </TableBody>
    </Table>
  );
}
