import { describe, expect, it } from '@jest/globals';
import { activityWindow, decisionRows, ruleLabel } from './policy-activity';

const item = (
  rule: string,
  detail: string | null,
  decision: 'block' | 'redact' | 'log' | 'monitor' | 'error',
  count: number,
  tenantId = 't1',
) => ({
  tenantId,
  policy: 'global',
  rule,
  detail,
  decision,
  count,
});

describe('decisionRows', () => {
  it('sums each rule and detail across tenants and documents, the busiest first', () => {
    const rows = decisionRows([
      item('access.hours', null, 'block', 1),
      item('pii.input', 'EMAIL', 'redact', 3),
      item('pii.input', 'EMAIL', 'redact', 2, 't2'),
      item('pii.input', 'EMAIL', 'monitor', 1),
      item('injection', 'external', 'error', 2),
      item('injection', null, 'block', 2),
    ]);
    expect(rows.map((row) => [row.label, row.total])).toEqual([
      ['Personal data in prompts · EMAIL', 6],
      ['Prompt injection', 2],
      ['Prompt injection · external service', 2],
      ['Hours', 1],
    ]);
    expect(rows[0]?.counts).toEqual({ block: 0, redact: 5, log: 0, monitor: 1, error: 0 });
  });

  it('names a rule it does not know by its document name', () => {
    expect(ruleLabel('cache.semantic', null)).toBe('cache.semantic');
    expect(ruleLabel('denyList.input', null)).toBe('Deny list on prompts');
  });
});

describe('activityWindow', () => {
  it('keeps a range of up to 31 days, and the last 31 days of a longer one', () => {
    expect(activityWindow('2026-03-01T00:00:00.000Z', '2026-03-31T00:00:00.000Z')).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-31T00:00:00.000Z',
      clamped: false,
    });
    expect(activityWindow('2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z')).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
      clamped: true,
    });
  });
});
