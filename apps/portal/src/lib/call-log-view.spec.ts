import { describe, expect, it } from '@jest/globals';
import { callLogHref, callLogQuery, incidentLogView, isFiltered, parseCallLogView, viewWindow } from './call-log-view';

const NOW = Date.parse('2026-03-14T12:00:00.000Z');

describe('parseCallLogView', () => {
  it('defaults to the last 24 hours, no filter', () => {
    const view = parseCallLogView({});
    expect(view).toEqual({ range: '24h' });
    expect(isFiltered(view)).toBe(false);
    expect(viewWindow(view, NOW)).toEqual({ from: '2026-03-13T12:00:00.000Z', to: '2026-03-14T12:00:00.000Z' });
  });

  it('keeps a preset, the filters as typed (trimmed), and the first of repeated params', () => {
    const view = parseCallLogView({ range: '7d', status: ' 4xx ', model: ['demo-chat', 'other'], decision: 'block' });
    expect(view).toEqual({ range: '7d', status: '4xx', model: 'demo-chat', decision: 'block' });
    expect(isFiltered(view)).toBe(true);
    expect(viewWindow(view, NOW).from).toBe('2026-03-07T12:00:00.000Z');
  });

  it('drops an unknown preset and a half or unreadable fixed window', () => {
    expect(parseCallLogView({ range: '90d', from: '2026-03-01T00:00:00Z' })).toEqual({ range: '24h' });
    expect(parseCallLogView({ from: 'yesterday', to: '2026-03-01T00:00:00Z' })).toEqual({ range: '24h' });
  });

  it('reads a fixed window instead of the preset', () => {
    const view = parseCallLogView({ range: '1h', from: '2026-03-01T10:00:00.000Z', to: '2026-03-01T11:00:00.000Z' });
    expect(callLogQuery(view, NOW)).toEqual({
      from: '2026-03-01T10:00:00.000Z',
      to: '2026-03-01T11:00:00.000Z',
      cursor: undefined,
      model: undefined,
      status: undefined,
      keyId: undefined,
      decision: undefined,
      errorCode: undefined,
      tenantId: undefined,
    });
  });
});

describe('callLogHref', () => {
  it('writes only what differs from the default view, and round-trips through the parser', () => {
    expect(callLogHref('/admin/logs', { range: '24h' })).toBe('/admin/logs');
    const href = callLogHref('/t/t1/logs', { range: '1h', errorCode: 'model_not_allowed', cursor: '1_x', model: '' });
    expect(href).toBe('/t/t1/logs?range=1h&errorCode=model_not_allowed&cursor=1_x');
    const params = Object.fromEntries(new URLSearchParams(href.split('?')[1]));
    expect(parseCallLogView(params)).toEqual({ range: '1h', errorCode: 'model_not_allowed', cursor: '1_x' });
  });
});

describe('incidentLogView', () => {
  const window = { windowStart: '2026-03-01T10:00:00.000Z', windowEnd: '2026-03-01T10:05:00.000Z' };

  it("shows an incident's window, narrowed to what the signal counts", () => {
    expect(callLogHref('/t/t1/logs', incidentLogView({ signal: 'error_rate', ...window }))).toBe(
      '/t/t1/logs?from=2026-03-01T10%3A00%3A00.000Z&to=2026-03-01T10%3A05%3A00.000Z&status=5xx',
    );
    expect(incidentLogView({ signal: 'policy_violations', ...window })).toMatchObject({ decision: 'block' });
    expect(incidentLogView({ signal: 'cost_spike', ...window })).toEqual({
      range: '24h',
      from: window.windowStart,
      to: window.windowEnd,
    });
  });
});
