import { type AnomalySignal } from '@gatehouse/domain';

export interface AnomalyAlertTextInput {
  signal: AnomalySignal;
  /** Whose traffic: the tenant's own, or the whole platform's. */
  scope: 'tenant' | 'platform';
  observed: number;
  baseline: number;
  windowStart: Date;
  windowEnd: Date;
}

const TITLES: Record<AnomalySignal, string> = {
  error_rate: 'Unusual error rate',
  throughput_drop: 'Traffic dropped',
  cost_spike: 'Unusual spending',
  policy_violations: 'Frequent policy refusals',
};

const percent = (share: number) => `${Math.round(share * 100)} %`;
const perMinute = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });
const dollars = (usd: number) =>
  `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const clock = (at: Date) => at.toISOString().slice(11, 16);

/** "between 12:00 and 12:05 UTC" */
const span = (input: AnomalyAlertTextInput) => `between ${clock(input.windowStart)} and ${clock(input.windowEnd)} UTC`;

/** The notification's title and body when an incident opens, in the tone of the other tenant notifications. */
export function anomalyAlertText(input: AnomalyAlertTextInput): { title: string; body: string } {
  const whose = input.scope === 'tenant' ? 'your' : "the platform's";
  const bodies: Record<AnomalySignal, string> = {
    error_rate: `${percent(input.observed)} of ${whose} calls failed with a server error ${span(input)} (usually ${percent(input.baseline)} fail).`,
    throughput_drop: `${capitalised(whose)} calls fell to ${perMinute(input.observed)} a minute ${span(input)} (usually ${perMinute(input.baseline)}).`,
    cost_spike: `${capitalised(whose)} spending rose to ${dollars(input.observed)} a minute ${span(input)} (usually ${dollars(input.baseline)}).`,
    policy_violations: `Policies refused ${perMinute(input.observed)} of ${whose} calls a minute ${span(input)} (usually at most ${perMinute(input.baseline)} failed calls a minute).`,
  };
  return { title: TITLES[input.signal], body: bodies[input.signal] };
}

/** The notification's title and body when an incident resolves. */
export function anomalyResolvedText(signal: AnomalySignal, normalChecks: number): { title: string; body: string } {
  return {
    title: `Resolved: ${TITLES[signal].toLowerCase()}`,
    body: `Back to normal for ${normalChecks} ${normalChecks === 1 ? 'check' : 'checks'} in a row.`,
  };
}

const capitalised = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
