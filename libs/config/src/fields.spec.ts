import { adminApiConfigSchema, portalConfigSchema } from './index';
import { parseConfig } from './load-config';

describe('trusted proxies and allowed origins', () => {
  it('trusts loopback by default in admin-api and no one in the portal', () => {
    expect(parseConfig('admin-api', adminApiConfigSchema, {}).http.trustedProxies).toEqual(['loopback']);
    expect(parseConfig('portal', portalConfigSchema, {}).trustedProxies).toEqual([]);
    expect(
      parseConfig('admin-api', adminApiConfigSchema, { ADMIN_TRUSTED_PROXIES: 'none' }).http.trustedProxies,
    ).toEqual([]);
  });

  it('reads addresses, CIDR ranges and names, and refuses a host name', () => {
    expect(
      parseConfig('portal', portalConfigSchema, { PORTAL_TRUSTED_PROXIES: '10.0.0.0/8, 172.28.0.10,uniquelocal' })
        .trustedProxies,
    ).toEqual(['10.0.0.0/8', '172.28.0.10', 'uniquelocal']);
    expect(() => parseConfig('admin-api', adminApiConfigSchema, { ADMIN_TRUSTED_PROXIES: 'portal' })).toThrow(
      /ADMIN_TRUSTED_PROXIES/,
    );
  });

  it("allows PORTAL_URL's origin and ADMIN_ALLOWED_ORIGINS, and refuses an entry that is not a bare origin", () => {
    const config = parseConfig('admin-api', adminApiConfigSchema, {
      PORTAL_URL: 'https://portal.example.com/app',
      ADMIN_ALLOWED_ORIGINS: 'https://Admin.Example.com, http://localhost:4000/',
    });
    expect(config.http.allowedOrigins).toEqual([
      'https://portal.example.com',
      'https://admin.example.com',
      'http://localhost:4000',
    ]);
    expect(() =>
      parseConfig('admin-api', adminApiConfigSchema, { ADMIN_ALLOWED_ORIGINS: 'https://admin.example.com/path' }),
    ).toThrow(/ADMIN_ALLOWED_ORIGINS/);
  });

  it('bounds ADMIN_MAX_BODY_BYTES, 1 MiB by default', () => {
    expect(parseConfig('admin-api', adminApiConfigSchema, {}).http.maxBodyBytes).toBe(1024 * 1024);
    expect(() => parseConfig('admin-api', adminApiConfigSchema, { ADMIN_MAX_BODY_BYTES: '10' })).toThrow(
      /ADMIN_MAX_BODY_BYTES/,
    );
  });
});
