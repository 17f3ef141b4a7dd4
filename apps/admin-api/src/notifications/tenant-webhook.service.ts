import { Inject, Injectable } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { type PutWebhookRequest, type TenantId, type WebhookResponse } from '@gatehouse/contracts';
import { AlertRepository, TransactionRunner, WebhookRepository } from '@gatehouse/db';
import { credentialKeyFromBase64, encryptCredential } from '@gatehouse/domain';
import { type HostResolver, type OutboundGuard } from '@gatehouse/egress';
import { randomBytes, randomUUID } from 'node:crypto';
import { ADMIN_API_CONFIG, OUTBOUND_RESOLVER } from '../admin-api.constants';
import { type Actor } from '../auth/authenticated-user';
import { AuditService } from '../audit/audit.service';
import { ApiError } from '../common/errors/api-error';
import { webhookUrlProblem } from './webhook-url';

/**
 * The tenant's webhook. The schema has no tenant table column for it: it is the tenant-wide alert rule's
 * URL and secret (created with the default 50/80/100 % thresholds when the tenant has none), so budget
 * alerts and subscription decisions reach the same receiver with the same signature.
 */
@Injectable()
export class TenantWebhookService {
  private readonly key: Buffer;
  private readonly production: boolean;
  private readonly guard: OutboundGuard;

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    @Inject(ADMIN_API_CONFIG) config: AdminApiConfig,
    @Inject(OUTBOUND_RESOLVER) resolver: HostResolver,
  ) {
    this.key = credentialKeyFromBase64(config.credentialEncryptionKey);
    this.production = config.nodeEnv === 'production';
    this.guard = { policy: { allowLoopback: config.webhooks.allowLoopback }, resolver };
  }

  async get(tenantId: TenantId): Promise<WebhookResponse> {
    const rule = await this.webhooks.findTenantRule(tenantId);
    if (!rule?.webhookUrl) throw ApiError.notFound('Webhook');
    return { url: rule.webhookUrl, updatedAt: rule.updatedAt.toISOString() };
  }

  async put(tenantId: TenantId, body: PutWebhookRequest, actor: Actor): Promise<WebhookResponse> {
    const problem = await webhookUrlProblem(body.url, { production: this.production, guard: this.guard });
    if (problem) {
      throw ApiError.badRequest('invalid_webhook_url', `The webhook URL ${problem}.`, [
        { field: 'url', reason: problem },
      ]);
    }
    // A generated secret is answered once, like an API key's; a supplied one is never echoed.
    const generated = body.secret === undefined ? `whsec_${randomBytes(24).toString('base64url')}` : undefined;
    const secret = body.secret ?? generated ?? '';
    const rule = await this.transactions.run(async (tx) => {
      // The worker creates a tenant's default rule under the same lock: one tenant-wide rule, never two.
      await new AlertRepository(tx).lockTenantRules(tenantId);
      const webhooks = new WebhookRepository(tx);
      const existing = await webhooks.findTenantRule(tenantId);
      const ruleId = existing?.id ?? randomUUID();
      const sealed = encryptCredential(secret, this.key, ruleId);
      const columns = {
        webhookSecretCiphertext: sealed.ciphertext,
        webhookSecretIv: sealed.iv,
        webhookSecretAuthTag: sealed.authTag,
      };
      const saved = existing
        ? await webhooks.setRuleWebhook(tenantId, ruleId, body.url, columns)
        : await webhooks.createTenantRule(tenantId, ruleId, body.url, columns);
      await this.audit.record(tx, {
        actor,
        action: 'webhook.update',
        targetType: 'alert_rule',
        targetId: saved.id,
        tenantId,
        before: existing ? { webhookUrl: existing.webhookUrl } : null,
        after: { webhookUrl: saved.webhookUrl, secretChanged: true },
      });
      return saved;
    });
    return {
      url: rule.webhookUrl ?? body.url,
      ...(generated ? { secret: generated } : {}),
      updatedAt: rule.updatedAt.toISOString(),
    };
  }

  /** Turns the webhook off: nothing more is posted to it. Its pending deliveries are left to finish or fail. */
  async remove(tenantId: TenantId, actor: Actor): Promise<void> {
    await this.transactions.run(async (tx) => {
      await new AlertRepository(tx).lockTenantRules(tenantId);
      const webhooks = new WebhookRepository(tx);
      const existing = await webhooks.findTenantRule(tenantId);
      if (!existing?.webhookUrl) throw ApiError.notFound('Webhook');
      await webhooks.clearRuleWebhook(tenantId, existing.id);
      await this.audit.record(tx, {
        actor,
        action: 'webhook.delete',
        targetType: 'alert_rule',
        targetId: existing.id,
        tenantId,
        before: { webhookUrl: existing.webhookUrl },
        after: { webhookUrl: null },
      });
    });
  }
}
