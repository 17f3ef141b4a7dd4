import { gatewayConfigSchema, parseConfig } from '@gatehouse/config';
import { gatewayFastifyOptions } from './configure-gateway';

describe('gatewayFastifyOptions', () => {
  it('trusts no forwarding headers unless GATEWAY_TRUSTED_PROXIES names the proxies', () => {
    const byDefault = parseConfig('gateway', gatewayConfigSchema, {});
    expect(gatewayFastifyOptions(byDefault).trustProxy).toBe(false);

    const behindBalancer = parseConfig('gateway', gatewayConfigSchema, {
      GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, loopback',
    });
    expect(gatewayFastifyOptions(behindBalancer).trustProxy).toEqual(['10.0.0.0/8', 'loopback']);
  });

  it('refuses a trusted proxy that is not an address, a range or a known name', () => {
    expect(() => parseConfig('gateway', gatewayConfigSchema, { GATEWAY_TRUSTED_PROXIES: 'proxy.example.com' })).toThrow(
      /GATEWAY_TRUSTED_PROXIES/,
    );
  });
});
