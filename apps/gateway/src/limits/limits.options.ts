import { ConservativeTokenEstimator, type InputTokenEstimator } from '@gatehouse/domain';

export interface RequestLimitsOptions {
  /** The output cap sent upstream when the client sets none, so that the reservation bounds the answer. */
  defaultMaxTokens: number;
  /** How long a reservation and its concurrency lease live unless settled; long streams extend them. */
  reservationTtlMs: number;
  estimator: InputTokenEstimator;
}

export const REQUEST_LIMITS_OPTIONS = Symbol('REQUEST_LIMITS_OPTIONS');

export const DEFAULT_REQUEST_LIMITS_OPTIONS: RequestLimitsOptions = {
  defaultMaxTokens: 4_096,
  reservationTtlMs: 10 * 60_000,
  estimator: new ConservativeTokenEstimator(),
};
