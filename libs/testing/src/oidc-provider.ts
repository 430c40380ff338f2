// The ambient types of oidc-provider (it ships none) must reach every project that compiles this file (e2e/api too).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./oidc-provider-types.d.ts" />
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/** An account of the test identity provider. */
export interface OidcTestAccount {
  readonly sub: string;
  readonly preferred_username: string;
  readonly email?: string;
  readonly groups?: readonly string[];
}

export interface OidcTestProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The account the next authorization request signs in as (no login form: the fixture answers it). */
  signInAs(sub: string): void;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (the certified npm `oidc-provider`) on 127.0.0.1, for tests: one confidential client,
 * PKCE required, `groups` claim; its login interaction signs in the account chosen with `signInAs` and consent is
 * pre-granted, so a browser (or a client following redirects) goes straight back to the redirect URI.
 */
export async function startOidcProvider(options: {
  redirectUris: readonly string[];
  accounts: readonly OidcTestAccount[];
  accessTokenTtlSeconds?: number;
  /**
   * Show a login page (a user-name field and a "Continue" button, for a browser test) instead of answering the
   * interaction with the `signInAs` account; the account whose `preferred_username` is typed signs in.
   */
  loginPage?: boolean;
}): Promise<OidcTestProvider> {
  const accounts = new Map(options.accounts.map((a) => [a.sub, a]));
  const clientId = 'capstan';
  const clientSecret = 'capstan-test-client-secret-0123456789';
  let next = options.accounts[0]?.sub ?? '';
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...options.redirectUris],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      profile: ['preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    cookies: { keys: ['capstan-oidc-test-cookie-key'] },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
      IdToken: 3600,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      return account
        ? {
            accountId: sub,
            claims: () => ({ ...account, groups: account.groups ? [...account.groups] : [] }),
          }
        : undefined;
    },
    // Consent is pre-granted: every scope and claim the client asks for.
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      const client = ctx.oidc.client;
      if (!accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ accountId, clientId: client.clientId });
      grant.addOIDCScope('openid profile email groups');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, config);
  const callback = provider.callback();
  const finish = (req: IncomingMessage, res: ServerResponse, accountId: string): void => {
    void provider
      .interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false })
      .catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
  };
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      if (!options.loginPage) return finish(req, res, next);
      if (req.method === 'GET') {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(LOGIN_PAGE(req.url));
        return;
      }
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const name = new URLSearchParams(body).get('username') ?? '';
        const account = options.accounts.find((a) => a.preferred_username === name);
        if (!account) {
          res.statusCode = 401;
          res.setHeader('content-type', 'text/html; charset=utf-8');
          res.end(LOGIN_PAGE(req.url ?? '/', 'Unknown user'));
          return;
        }
        finish(req, res, account.sub);
      });
      return;
    }
    void callback(req, res);
  });
  return {
    issuer,
    clientId,
    clientSecret,
    signInAs: (sub) => {
      next = sub;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The test provider's login page: a form posting the user name back to the interaction. */
function LOGIN_PAGE(action: string, error = ''): string {
  const esc = (t: string): string =>
    t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
  return `<!doctype html><html><head><title>Test identity provider</title></head><body>
<h1>Test identity provider</h1>${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${esc(action)}">
<label>User name <input name="username" autocomplete="username"></label>
<button type="submit">Continue</button>
</form></body></html>`;
}
