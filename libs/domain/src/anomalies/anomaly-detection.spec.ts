import {
  type AnomalySignal,
  type AnomalyThresholds,
  type BaselineStats,
  detectAnomalies,
  type WindowStats,
} from './anomaly-detection';

const thresholds: AnomalyThresholds = {
  minWindowRequests: 20,
  errorRate: 0.2,
  minBaselineRequests: 300,
  throughputDropRatio: 0.25,
  costMultiplier: 3,
  minCostUsd: 1,
  minPolicyBlocks: 10,
  policyMultiplier: 3,
};

/** 10 calls a minute for an hour, 1 % failing, $0.01 a call. */
const steadyBaseline: BaselineStats = { minutes: 60, requests: 600, errors: 6, costUsd: 6 };

/** Five minutes of the same. */
const steadyWindow: WindowStats = {
  minutes: 5,
  requests: 50,
  errors: 1,
  serverErrors: 1,
  policyBlocks: 0,
  costUsd: 0.5,
};

const anomalies = (window: Partial<WindowStats>, baseline: Partial<BaselineStats> = {}): AnomalySignal[] =>
  detectAnomalies({ ...steadyWindow, ...window }, { ...steadyBaseline, ...baseline }, thresholds)
    .filter((verdict) => verdict.anomalous)
    .map((verdict) => verdict.signal);

describe('detectAnomalies', () => {
  it('finds nothing in steady traffic, and judges every signal', () => {
    const verdicts = detectAnomalies(steadyWindow, steadyBaseline, thresholds);
    expect(verdicts.map((verdict) => verdict.signal)).toEqual([
      'error_rate',
      'throughput_drop',
      'cost_spike',
      'policy_violations',
    ]);
    expect(verdicts.filter((verdict) => verdict.anomalous)).toEqual([]);
  });

  it('flags a burst of server errors against a healthy baseline, with the shares it compared', () => {
    expect(anomalies({ errors: 31, serverErrors: 30 })).toEqual(['error_rate']);
    const verdict = detectAnomalies({ ...steadyWindow, errors: 31, serverErrors: 30 }, steadyBaseline, thresholds)[0];
    expect(verdict).toMatchObject({ signal: 'error_rate', observed: 0.6, baseline: 0.01 });
  });

  it('does not count client refusals as an error rate', () => {
    expect(anomalies({ errors: 40, serverErrors: 2 })).toEqual([]);
  });

  it('wants the error share to rise over the baseline by the threshold', () => {
    // A subject that usually fails half its calls: 60 % server errors are no anomaly, a full outage is.
    const failing = { errors: 300 };
    expect(anomalies({ errors: 30, serverErrors: 30 }, failing)).toEqual([]);
    expect(anomalies({ errors: 50, serverErrors: 50 }, failing)).toEqual(['error_rate']);
  });

  it('needs enough calls in the window before judging the error rate', () => {
    expect(anomalies({ requests: 19, errors: 19, serverErrors: 19, costUsd: 0.19 })).toEqual([]);
    expect(anomalies({ requests: 20, errors: 20, serverErrors: 20, costUsd: 0.2 })).toEqual(['error_rate']);
  });

  it('flags a drop in traffic below the ratio of the baseline rate', () => {
    // The baseline's 10 calls a minute: 2.5 a minute is the line.
    expect(anomalies({ requests: 13, errors: 0, serverErrors: 0, costUsd: 0.13 })).toEqual([]);
    expect(anomalies({ requests: 12, errors: 0, serverErrors: 0, costUsd: 0.12 })).toEqual(['throughput_drop']);
    expect(anomalies({ requests: 0, errors: 0, serverErrors: 0, costUsd: 0 })).toEqual(['throughput_drop']);
  });

  it('flags a cost spike at the multiplier of the baseline spend rate', () => {
    // The baseline spends $0.10 a minute: $1.50 over five minutes is three times that.
    expect(anomalies({ costUsd: 1.45 })).toEqual([]);
    expect(anomalies({ costUsd: 1.55 })).toEqual(['cost_spike']);
  });

  it('ignores a spike below the minimum spend, however cheap the baseline', () => {
    expect(anomalies({ costUsd: 0.9 }, { costUsd: 0 })).toEqual([]);
    expect(anomalies({ costUsd: 1 }, { costUsd: 0 })).toEqual(['cost_spike']);
  });

  it('flags frequent policy refusals against the baseline error rate', () => {
    expect(anomalies({ errors: 10, policyBlocks: 9 })).toEqual([]);
    expect(anomalies({ errors: 10, policyBlocks: 10 })).toEqual(['policy_violations']);
    // A subject whose calls often fail (here 5 a minute) needs three times that many refusals.
    expect(anomalies({ errors: 40, policyBlocks: 40 }, { errors: 300 })).toEqual([]);
    expect(anomalies({ errors: 75, policyBlocks: 75 }, { errors: 300 })).toEqual(['policy_violations']);
  });

  it('judges no drop or spend without a steady baseline: a new or quiet subject never alerts on them', () => {
    const quiet = { requests: 299, errors: 0, costUsd: 0.1 };
    expect(anomalies({ requests: 0, errors: 0, serverErrors: 0, costUsd: 0 }, quiet)).toEqual([]);
    expect(anomalies({ costUsd: 50 }, quiet)).toEqual([]);
    const empty = { minutes: 60, requests: 0, errors: 0, costUsd: 0 };
    expect(anomalies({ requests: 1, errors: 0, serverErrors: 0, costUsd: 5 }, empty)).toEqual([]);
    expect(anomalies({ requests: 0, errors: 0, serverErrors: 0, costUsd: 0 }, empty)).toEqual([]);
  });
});
