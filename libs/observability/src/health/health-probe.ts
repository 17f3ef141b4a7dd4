/** A dependency that `/healthz` checks: Postgres, Redis, … */
export interface HealthProbe {
  /** Named in the 503 body, so the operator knows which dependency is down. */
  readonly name: string;
  ping(): Promise<void>;
}

export const HEALTH_PROBES = Symbol('HEALTH_PROBES');
