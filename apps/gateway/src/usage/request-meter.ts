import { type KeySnapshot } from '@gatehouse/contracts';
import { type UsageRecordedV1 } from '@gatehouse/jobs';

/** Where the token counts came from; `none` when there is nothing to count (see libs/jobs `usageSource`). */
export type UsageSource = UsageRecordedV1['usageSource'];

export interface MeteredUsage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  source: UsageSource;
}

/** What the meter has been told by the time the response is over: the makings of one usage event. */
export interface MeterReading {
  requestId: string;
  key: KeySnapshot;
  endpoint: string;
  subscriptionId: string | null;
  productId: string | null;
  model: string | null;
  providerId: string | null;
  upstreamModel: string | null;
  errorCode: string | null;
  timeToFirstByteMs: number | null;
  usage: MeteredUsage | null;
  streamed: boolean;
  /** Would-be refusals of limits in monitor mode, as `monitor:<scope>.<limit>`. */
  policyActions: string[];
  startedAt: number;
}

/**
 * One request's account, filled in as the request goes through the gateway and read once when its response is
 * over. It is created for every request on arrival and becomes a usage event only once
 * the API key guard has `identify`-ed the key: unauthenticated requests belong to no tenant.
 *
 * Whoever learns the usage after the handler has returned (a stream's tap, when the stream ends) registers that
 * work with `waitFor`, and the event is emitted once it settles, so a cut stream still counts what was sent.
 */
export class RequestMeter {
  private reading: Omit<MeterReading, 'key' | 'endpoint'> & { key: KeySnapshot | null; endpoint: string | null };
  private readonly pending: Promise<unknown>[] = [];
  private settled: Promise<MeterReading | null> | null = null;

  constructor(requestId: string, startedAt: number) {
    this.reading = {
      requestId,
      key: null,
      endpoint: null,
      subscriptionId: null,
      productId: null,
      model: null,
      providerId: null,
      upstreamModel: null,
      errorCode: null,
      timeToFirstByteMs: null,
      usage: null,
      streamed: false,
      policyActions: [],
      startedAt,
    };
  }

  /** The key the request authenticated with; without it no event is recorded. */
  identify(key: KeySnapshot): void {
    this.reading.key = key;
  }

  /** The endpoint in the usage record: `chat.completions`, `completions`, `embeddings`, `messages`, `http`. */
  endpoint(name: string): void {
    this.reading.endpoint = name;
  }

  /** The subscription and product the call runs under, and the public model alias (null for HTTP products). */
  entitled(entitlement: { subscriptionId: string; productId: string; model: string | null }): void {
    this.reading.subscriptionId = entitlement.subscriptionId;
    this.reading.productId = entitlement.productId;
    this.reading.model = entitlement.model;
  }

  /**
   * The target that answered and when its response headers arrived (ms since the request arrived); or, with a
   * null time, the last target tried when none answered.
   */
  routed(target: { providerId: string; upstreamModel: string | null }, timeToFirstByteMs: number | null): void {
    this.reading.providerId = target.providerId;
    this.reading.upstreamModel = target.upstreamModel;
    this.reading.timeToFirstByteMs = timeToFirstByteMs;
  }

  streaming(): void {
    this.reading.streamed = true;
  }

  usage(usage: MeteredUsage): void {
    this.reading.usage = usage;
  }

  /** The gateway's error code for this request; the first one set wins (the root cause, not its echo). */
  failed(code: string): void {
    this.reading.errorCode ??= code;
  }

  /** Limits in monitor mode that this request would have broken (`subscription.rpm`, ...). */
  monitored(limits: readonly string[]): void {
    for (const limit of limits) this.reading.policyActions.push(`monitor:${limit}`);
  }

  /** Work that will still report usage after the handler returns (a stream's end); the event waits for it. */
  waitFor(work: Promise<unknown>): void {
    this.pending.push(work);
  }

  get requestId(): string {
    return this.reading.requestId;
  }

  get startedAt(): number {
    return this.reading.startedAt;
  }

  get identified(): boolean {
    return this.reading.key !== null;
  }

  /**
   * The reading once every registered piece of work has settled; null for an unauthenticated request. Call it
   * once the response is over; every caller (the usage recorder, the limits settlement) gets the same reading.
   */
  settle(): Promise<MeterReading | null> {
    this.settled ??= this.readWhenSettled();
    return this.settled;
  }

  private async readWhenSettled(): Promise<MeterReading | null> {
    while (this.pending.length > 0) await Promise.allSettled(this.pending.splice(0));
    const { key, endpoint } = this.reading;
    if (key === null) return null;
    return { ...this.reading, key, endpoint: endpoint ?? 'unknown' };
  }
}
