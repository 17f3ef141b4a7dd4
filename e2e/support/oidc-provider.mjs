// A real OpenID Connect provider (panva/oidc-provider) for the e2e tier, run as its own Node process by the
// e2e global setup (oidc-provider is ESM-only; Jest cannot load it in-process). One static confidential client,
// and an interaction endpoint that signs in a fixed user and grants consent without a form, so a test can
// follow the whole authorization code flow with fetch.
//
// Environment: OIDC_PROVIDER_PORT (18091), OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URL,
// OIDC_TEST_USER_EMAIL (sso-user@example.com).
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PROVIDER_PORT ?? 18091);
const issuer = `http://127.0.0.1:${port}`;
const clientId = process.env.OIDC_CLIENT_ID ?? 'gatehouse-e2e';
const clientSecret = process.env.OIDC_CLIENT_SECRET ?? 'gatehouse-e2e-client-secret';
const redirectUrl = process.env.OIDC_REDIRECT_URL ?? 'http://127.0.0.1:13001/api/v1/auth/oidc/callback';
const userEmail = process.env.OIDC_TEST_USER_EMAIL ?? 'sso-user@example.com';
const accountId = 'sso-user';

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUrl],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  // PKCE on every authorization request, as the admin API must send it.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  cookies: { keys: ['gatehouse-e2e-oidc-provider-cookie-key'] },
  async findAccount(_ctx, sub) {
    if (sub !== accountId) return undefined;
    return {
      accountId,
      async claims() {
        return { sub: accountId, email: userEmail, email_verified: true, name: 'Sso User' };
      },
    };
  },
});

/** Signs the fixed user in, then grants whatever the client asked for: no forms, no clicks. */
async function autoInteraction(req, res) {
  try {
    const { prompt, grantId, params, session } = await provider.interactionDetails(req, res);
    if (prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const { details } = prompt;
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    if (details.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(details.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    );
  } catch (error) {
    res.statusCode = 500;
    res.setHeader('content-type', 'text/plain');
    res.end(`interaction failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const handleProvider = provider.callback();
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/interaction/')) {
    void autoInteraction(req, res);
    return;
  }
  handleProvider(req, res);
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening on ${issuer} (client ${clientId}, user ${userEmail})\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
