import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { WebhookRepository } from '@gatehouse/db';
import { credentialKeyFromBase64 } from '@gatehouse/domain';
import { type HostResolver } from '@gatehouse/egress';
import { WebhookSender } from '@gatehouse/webhooks';
import { ADMIN_API_CONFIG, OUTBOUND_RESOLVER } from '../admin-api.constants';

export { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_TIMEOUT_MS } from '@gatehouse/webhooks';

/**
 * The admin API's webhook sender: `WebhookSender` of @gatehouse/webhooks (signing, timeouts, retries, the
 * claim), which the worker uses too, as a Nest provider that waits for the attempts still running on shutdown.
 */
@Injectable()
export class WebhookDeliveryService extends WebhookSender implements OnModuleDestroy {
  constructor(
    webhooks: WebhookRepository,
    @Inject(ADMIN_API_CONFIG) config: AdminApiConfig,
    @Inject(OUTBOUND_RESOLVER) resolver: HostResolver,
  ) {
    super(webhooks, credentialKeyFromBase64(config.credentialEncryptionKey), {
      guard: { policy: { allowLoopback: config.webhooks.allowLoopback }, resolver },
      logger: new Logger('WebhookDeliveryService'),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}
