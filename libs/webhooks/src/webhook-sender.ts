import { type WebhookDeliveryStatus, type WebhookRepository } from '@gatehouse/db';
import { decryptCredential, signWebhook, WEBHOOK_SIGNATURE_HEADER } from '@gatehouse/domain';
import { guardedConnector, OutboundAddressRefusedError, type OutboundGuard } from '@gatehouse/egress';
import { Agent, request } from 'undici';
import {
  attemptOutcome,
  WEBHOOK_ATTEMPT_LEASE_MS,
  WEBHOOK_FRESH_WINDOW_MS,
  WEBHOOK_TIMEOUT_MS,
} from './retry-schedule';

/** Where the sender reports an attempt that threw (a database error, not a receiver's failure). */
export interface WebhookSenderLogger {
  warn(message: string): void;
}

export interface WebhookSenderOptions {
  /** Which receiver addresses may be called (public ones, and loopback when configured); a resolver for tests. */
  guard: OutboundGuard;
  logger?: WebhookSenderLogger;
}

/**
 * Posts webhook deliveries, signed (`x-gatehouse-signature: t=<unix>,v1=<hex>` over `${t}.${body}`), and
 * records each attempt on its row. A delivery is attempted once right after the commit that created it and
 * then by a retry sweep until it succeeds or runs out of attempts; an atomic claim (see
 * `WebhookRepository.claimDeliveryAttempt`) makes sure that no two processes, and no two calls, send the same
 * attempt. Every connection goes through the outbound guard (@gatehouse/egress): the receiver's host is resolved
 * and checked when the socket is opened, and a refused address fails the delivery for good. Framework-free: the
 * admin API wraps it in a Nest provider, the worker builds it in its module.
 */
export class WebhookSender {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly dispatcher: Agent;
  private readonly logger: WebhookSenderLogger;

  constructor(
    private readonly webhooks: WebhookRepository,
    /** The 32-byte key the signing secrets are encrypted with (`CREDENTIAL_ENCRYPTION_KEY`). */
    private readonly credentialKey: Buffer,
    options: WebhookSenderOptions,
  ) {
    this.logger = options.logger ?? { warn: () => undefined };
    this.dispatcher = new Agent({
      connect: guardedConnector({ ...options.guard, connectTimeoutMs: WEBHOOK_TIMEOUT_MS }),
    });
  }

  /** `nextAttemptAt` of a new delivery: the sweep leaves it to the immediate attempt until then. */
  immediateAttemptLease(now: Date): Date {
    return new Date(now.getTime() + WEBHOOK_ATTEMPT_LEASE_MS);
  }

  /** Starts an attempt without waiting for it; `drain` waits for the attempts still running. */
  deliverInBackground(deliveryId: string): void {
    void this.track(this.attempt(deliveryId));
  }

  /**
   * Attempts the deliveries whose next attempt is due at `now`, one after the other; resolves with how many
   * were attempted (claimed and sent, or given up), not counting those another process took first.
   */
  async retryDue(now: Date = new Date(), limit = 50): Promise<number> {
    const due = await this.webhooks.listDueDeliveries(now, limit);
    let attempted = 0;
    for (const delivery of due) {
      if (await this.track(this.attempt(delivery.id, now))) attempted += 1;
    }
    return attempted;
  }

  /**
   * One attempt: claims the delivery, posts it, records the outcome. Resolves with the new status, or null
   * when there was nothing to do (delivered, failed, not due, or claimed by another process or call).
   */
  async attempt(deliveryId: string, now: Date = new Date()): Promise<WebhookDeliveryStatus | null> {
    const delivery = await this.webhooks.findDeliveryWithTarget(deliveryId);
    if (!delivery || delivery.status !== 'PENDING') return null;
    const claimed = await this.webhooks.claimDeliveryAttempt(
      delivery.id,
      now,
      WEBHOOK_ATTEMPT_LEASE_MS,
      WEBHOOK_FRESH_WINDOW_MS,
    );
    if (!claimed) return null;

    const rule = delivery.alertRule;
    if (!rule) return this.finish(delivery.id, claimed.attempts, null, 'the webhook was removed', true);
    let secret: string | null;
    try {
      secret = decryptCredential(
        {
          id: rule.id,
          credentialCiphertext: rule.webhookSecretCiphertext,
          credentialIv: rule.webhookSecretIv,
          credentialAuthTag: rule.webhookSecretAuthTag,
        },
        this.credentialKey,
      );
    } catch {
      return this.finish(delivery.id, claimed.attempts, null, 'the webhook secret cannot be decrypted', true);
    }
    if (secret === null) return this.finish(delivery.id, claimed.attempts, null, 'the webhook has no secret', true);

    const body = JSON.stringify(delivery.payload);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await request(delivery.url, {
        dispatcher: this.dispatcher,
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
      // A forbidden receiver address stays forbidden: retrying it would only knock on the same door again.
      if (cause instanceof OutboundAddressRefusedError) {
        return this.finish(delivery.id, claimed.attempts, null, `the receiver is refused: ${cause.message}`, true);
      }
      error = cause instanceof Error ? `${cause.name}: ${cause.message}`.slice(0, 500) : 'the request failed';
    }
    return this.finish(delivery.id, claimed.attempts, statusCode, error, false);
  }

  /** Resolves once every attempt started here has ended: call it before the database closes. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Drains, then closes the receivers' keep-alive connections. */
  async close(): Promise<void> {
    await this.drain();
    await this.dispatcher.close();
  }

  private async finish(
    deliveryId: string,
    previousAttempts: number,
    statusCode: number | null,
    error: string | null,
    permanent: boolean,
  ): Promise<WebhookDeliveryStatus> {
    const outcome = attemptOutcome(previousAttempts, error, permanent, new Date());
    await this.webhooks.recordAttempt(deliveryId, { ...outcome, statusCode, error });
    return outcome.status;
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
