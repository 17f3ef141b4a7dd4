import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { type WebhookDeliveryStatus, WebhookRepository } from '@gatehouse/db';
import { credentialKeyFromBase64, decryptCredential, signWebhook, WEBHOOK_SIGNATURE_HEADER } from '@gatehouse/domain';
import { request } from 'undici';
import { ADMIN_API_CONFIG } from '../admin-api.constants';

/** One attempt waits at most this long for the receiver's headers, and as long again for its body. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/**
 * Delays before the 2nd, 3rd, ... attempt; after the last one the delivery is FAILED. About 2.5 hours in all:
 * long enough to ride out a receiver's deploy or short outage, short enough that a stale event is not sent.
 */
const RETRY_DELAYS_SECONDS = [30, 120, 600, 1_800, 7_200];
export const WEBHOOK_MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/**
 * How long an attempt owns a delivery: longer than one attempt can take (two timeouts), so that the sweep
 * never sends a delivery that an attempt in progress is still sending.
 */
const ATTEMPT_LEASE_MS = 4 * WEBHOOK_TIMEOUT_MS;

/**
 * Posts webhook deliveries, signed (`x-gatehouse-signature: t=<unix>,v1=<hex>` over `${t}.${body}`), and
 * records each attempt on its row. A delivery is attempted once right after the commit that created it and
 * then by the sweep until it succeeds or runs out of attempts; a compare-and-set claim makes sure that two
 * processes never send the same attempt.
 */
@Injectable()
export class WebhookDeliveryService implements OnModuleDestroy {
  private readonly logger = new Logger('WebhookDeliveryService');
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly key: Buffer;

  constructor(
    private readonly webhooks: WebhookRepository,
    @Inject(ADMIN_API_CONFIG) config: AdminApiConfig,
  ) {
    this.key = credentialKeyFromBase64(config.credentialEncryptionKey);
  }

  /** `nextAttemptAt` of a new delivery: the sweep leaves it to the immediate attempt until then. */
  immediateAttemptLease(now: Date): Date {
    return new Date(now.getTime() + ATTEMPT_LEASE_MS);
  }

  /** Starts an attempt without waiting for it; shutdown waits for the attempts still running. */
  deliverInBackground(deliveryId: string): void {
    void this.track(this.attempt(deliveryId));
  }

  /** Attempts the deliveries whose next attempt is due; resolves with how many were attempted. */
  async retryDue(now: Date = new Date(), limit = 50): Promise<number> {
    const due = await this.webhooks.listDueDeliveries(now, limit);
    let attempted = 0;
    for (const delivery of due) {
      if (await this.track(this.attempt(delivery.id))) attempted += 1;
    }
    return attempted;
  }

  /**
   * One attempt: claims the delivery, posts it, records the outcome. Resolves with the new status, or null
   * when there was nothing to do (already delivered, failed, or claimed by another process).
   */
  async attempt(deliveryId: string): Promise<WebhookDeliveryStatus | null> {
    const delivery = await this.webhooks.findDeliveryWithTarget(deliveryId);
    if (!delivery || delivery.status !== 'PENDING') return null;
    const now = new Date();
    if (
      !(await this.webhooks.claimDelivery(
        delivery.id,
        delivery.nextAttemptAt,
        new Date(now.getTime() + ATTEMPT_LEASE_MS),
      ))
    ) {
      return null;
    }

    const rule = delivery.alertRule;
    if (!rule) return this.finish(delivery.id, delivery.attempts, null, 'the webhook was removed', true);
    let secret: string | null;
    try {
      secret = decryptCredential(
        {
          id: rule.id,
          credentialCiphertext: rule.webhookSecretCiphertext,
          credentialIv: rule.webhookSecretIv,
          credentialAuthTag: rule.webhookSecretAuthTag,
        },
        this.key,
      );
    } catch {
      return this.finish(delivery.id, delivery.attempts, null, 'the webhook secret cannot be decrypted', true);
    }
    if (secret === null) return this.finish(delivery.id, delivery.attempts, null, 'the webhook has no secret', true);

    const body = JSON.stringify(delivery.payload);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await request(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Gatehouse-Webhooks/1',
          'x-gatehouse-event': delivery.event,
          'x-gatehouse-delivery': delivery.id,
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, body),
        },
        body,
        headersTimeout: WEBHOOK_TIMEOUT_MS,
        bodyTimeout: WEBHOOK_TIMEOUT_MS,
      });
      statusCode = response.statusCode;
      // The receiver's answer is not used; reading it frees the connection.
      await response.body.dump({ limit: 64 * 1024 });
      if (statusCode < 200 || statusCode >= 300) error = `the receiver answered ${statusCode}`;
    } catch (cause) {
      error = cause instanceof Error ? `${cause.name}: ${cause.message}`.slice(0, 500) : 'the request failed';
    }
    return this.finish(delivery.id, delivery.attempts, statusCode, error, false);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async finish(
    deliveryId: string,
    previousAttempts: number,
    statusCode: number | null,
    error: string | null,
    permanent: boolean,
  ): Promise<WebhookDeliveryStatus> {
    const attempts = previousAttempts + 1;
    const now = new Date();
    const delay = RETRY_DELAYS_SECONDS[attempts - 1];
    const status: WebhookDeliveryStatus =
      error === null ? 'DELIVERED' : permanent || delay === undefined ? 'FAILED' : 'PENDING';
    await this.webhooks.recordAttempt(deliveryId, {
      status,
      statusCode,
      error,
      nextAttemptAt: status === 'PENDING' && delay !== undefined ? new Date(now.getTime() + delay * 1000) : null,
      deliveredAt: status === 'DELIVERED' ? now : null,
    });
    return status;
  }

  private track<T>(work: Promise<T>): Promise<T | null> {
    const guarded = work.catch((cause: unknown) => {
      this.logger.warn(`A webhook delivery attempt failed: ${cause instanceof Error ? cause.message : String(cause)}`);
      return null;
    });
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
    return guarded;
  }
}
