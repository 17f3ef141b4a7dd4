import type { NextConfig } from 'next';

// Next compiles this file with its own require hook, which resolves relative and path-mapped imports against the
// working directory instead of this file (its `requireFromString` module has no filename). `next build apps/portal`
// runs from the repository root, so @gatehouse/config cannot be imported here: this reads the one variable it needs
// and validates it as `portalConfigSchema` does (empty means unset, default http://127.0.0.1:3001).
function adminApiUrl(): string {
  const value = process.env.ADMIN_API_URL || 'http://127.0.0.1:3001';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Invalid configuration for portal:\n  - ADMIN_API_URL: must be a URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Invalid configuration for portal:\n  - ADMIN_API_URL: must be an http(s) URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // libs/ui lives outside this app's folder and is compiled from source.
  experimental: { externalDir: true },
  // Linting is the Nx `lint` target with the root flat config; Next's built-in runner would look for its own.
  eslint: { ignoreDuringBuilds: true },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
  // The browser reaches admin-api through the portal's own origin: no CORS, and admin-api's session cookie is
  // first-party. Next writes rewrites into the build output, so ADMIN_API_URL must be set for `next build`.
  async rewrites() {
    return [{ source: '/api/v1/:path*', destination: `${adminApiUrl()}/api/v1/:path*` }];
  },
};

export default nextConfig;
