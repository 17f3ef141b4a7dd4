import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature, webhookSignatureDigest } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test_secret';
  const body = JSON.stringify({ event: 'subscription.approved', subscriptionId: 'abc' });
  const now = new Date('2026-03-01T12:00:00Z');
  const t = Math.floor(now.getTime() / 1000);

  it('signs `${t}.${body}` with HMAC-SHA256 in the documented header format', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhook(secret, body, now)).toBe(`t=${t},v1=${expected}`);
    expect(webhookSignatureDigest(secret, t, body)).toBe(expected);
  });

  it('verifies its own signature', () => {
    expect(verifyWebhookSignature(secret, body, signWebhook(secret, body, now), now)).toBe(true);
  });

  it('refuses another secret, another body, or a changed timestamp', () => {
    const header = signWebhook(secret, body, now);
    expect(verifyWebhookSignature('other', body, header, now)).toBe(false);
    expect(verifyWebhookSignature(secret, `${body} `, header, now)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header.replace(`t=${t}`, `t=${t + 1}`), now)).toBe(false);
  });

  it('refuses a signature outside the tolerance window', () => {
    const header = signWebhook(secret, body, now);
    expect(verifyWebhookSignature(secret, body, header, new Date(now.getTime() + 301_000))).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, new Date(now.getTime() + 299_000))).toBe(true);
  });

  it('refuses missing or malformed headers', () => {
    for (const header of [undefined, null, '', 'v1=abc', `t=${t}`, `t=x,v1=00`, `t=${t},v1=zz`]) {
      expect(verifyWebhookSignature(secret, body, header, now)).toBe(false);
    }
  });

  it('accepts any of several v1 values (secret rotation)', () => {
    const good = webhookSignatureDigest(secret, t, body);
    expect(verifyWebhookSignature(secret, body, `t=${t},v1=${'0'.repeat(64)},v1=${good}`, now)).toBe(true);
  });
});
