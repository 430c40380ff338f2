import { Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';

/** Where and how to reach one identity provider (from the OAuth settings, secret opened). */
export interface OAuthProviderConfig {
  /** OIDC issuer: when set, endpoints come from discovery and an ID token (with nonce) is required. */
  readonly issuer?: string;
  readonly authorizationUri?: string;
  readonly tokenUri?: string;
  /** Userinfo / resource URL read with the access token (plain OAuth 2 providers such as GitHub). */
  readonly resourceUri?: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  /** Allow plain-http providers (loopback tests). */
  readonly allowHttp?: boolean;
}

/** What a started sign-in must remember until the provider sends the browser back (sealed in a cookie). */
export interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

/** What came back to the portal's redirect URI. */
export interface ProviderReturn {
  readonly code: string;
  readonly state?: string;
  readonly iss?: string;
}

export interface ProviderIdentity {
  /** ID token claims merged with the userinfo / resource answer. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Seconds the provider's access token lives, when it says. */
  readonly expiresIn?: number;
}

/** The provider's answer was refused: `reason` says why for the auth log (never shown with secrets). */
export class OAuthRefused extends Error {
  constructor(readonly reason: string) {
    super(`OAuth sign-in refused: ${reason}`);
    this.name = 'OAuthRefused';
  }
}

/** A short reason from an openid-client error: the provider's error code, the failed claim, or the check. */
function refusalOf(error: unknown): OAuthRefused {
  if (error instanceof OAuthRefused) return error;
  // openid-client wraps oauth4webapi's errors: look down the cause chain.
  for (let e = error as Cause | undefined, depth = 0; e && depth < 4; e = e.cause, depth++) {
    if (typeof e.error === 'string') return new OAuthRefused(`provider answered ${e.error}`);
    if (typeof e.claim === 'string') return new OAuthRefused(`ID token ${e.claim} mismatch`);
  }
  const message = (error as { message?: unknown }).message;
  return new OAuthRefused(typeof message === 'string' ? message : 'unexpected provider answer');
}

interface Cause {
  error?: unknown;
  claim?: unknown;
  cause?: Cause;
}

/**
 * The OAuth 2.0 / OpenID Connect client, through `openid-client` (certified): authorization code flow with PKCE
 * (S256), state, and — for OIDC — nonce and ID token validation (signature, issuer, audience, expiry).
 */
@Injectable()
export class OAuthClient {
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();

  async begin(cfg: OAuthProviderConfig): Promise<{ url: string; pending: PendingSignIn }> {
    const config = await this.configuration(cfg);
    const pending: PendingSignIn = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
    };
    const params: Record<string, string> = {
      redirect_uri: cfg.redirectUri,
      scope: cfg.scopes.join(' '),
      state: pending.state,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    };
    if (cfg.issuer) params['nonce'] = pending.nonce;
    return { url: oidc.buildAuthorizationUrl(config, params).href, pending };
  }

  /**
   * Exchanges the code (with the PKCE verifier), checks the state (a state sent back must be the one issued; the
   * verifier binds the code to this browser either way) and, for OIDC, the ID token and its nonce.
   */
  async complete(
    cfg: OAuthProviderConfig,
    pending: PendingSignIn,
    returned: ProviderReturn,
  ): Promise<ProviderIdentity> {
    // A state sent back must be the one this browser was given (the library checks it too).
    if (returned.state !== undefined && returned.state !== pending.state)
      throw new OAuthRefused('state mismatch');
    const config = await this.configuration(cfg);
    const url = new URL(cfg.redirectUri);
    url.searchParams.set('code', returned.code);
    url.searchParams.set('state', returned.state ?? pending.state);
    const issuer = config.serverMetadata().authorization_response_iss_parameter_supported
      ? (returned.iss ?? config.serverMetadata().issuer)
      : undefined;
    if (issuer) url.searchParams.set('iss', issuer);
    const tokens = await oidc
      .authorizationCodeGrant(config, url, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        ...(cfg.issuer ? { expectedNonce: pending.nonce, idTokenExpected: true } : {}),
      })
      .catch((e: unknown) => {
        throw refusalOf(e);
      });
    const idClaims: Record<string, unknown> = { ...(tokens.claims() ?? {}) };
    let extra: Record<string, unknown> = {};
    if (cfg.issuer && config.serverMetadata().userinfo_endpoint) {
      const sub = typeof idClaims['sub'] === 'string' ? idClaims['sub'] : oidc.skipSubjectCheck;
      extra = { ...(await oidc.fetchUserInfo(config, tokens.access_token, sub)) };
    } else if (cfg.resourceUri) {
      const r = await oidc.fetchProtectedResource(
        config,
        tokens.access_token,
        new URL(cfg.resourceUri),
        'GET',
      );
      if (!r.ok) throw new Error(`The provider's resource URL answered ${r.status}`);
      extra = (await r.json()) as Record<string, unknown>;
    }
    return { claims: { ...extra, ...idClaims }, expiresIn: tokens.expiresIn() };
  }

  /** Forgets cached discovery (after the settings change). */
  reset(): void {
    this.configs.clear();
  }

  private configuration(cfg: OAuthProviderConfig): Promise<oidc.Configuration> {
    const key = JSON.stringify(cfg);
    let config = this.configs.get(key);
    if (!config) {
      config = this.create(cfg);
      config.catch(() => this.configs.delete(key));
      if (this.configs.size > 8) this.configs.clear();
      this.configs.set(key, config);
    }
    return config;
  }

  private async create(cfg: OAuthProviderConfig): Promise<oidc.Configuration> {
    const insecure = cfg.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {};
    if (cfg.issuer)
      return oidc.discovery(
        new URL(cfg.issuer),
        cfg.clientId,
        undefined,
        oidc.ClientSecretBasic(cfg.clientSecret),
        insecure,
      );
    if (!cfg.authorizationUri || !cfg.tokenUri)
      throw new Error('OAuth settings need an issuer URL, or an authorization and an access token URL');
    const config = new oidc.Configuration(
      {
        issuer: new URL(cfg.authorizationUri).origin,
        authorization_endpoint: cfg.authorizationUri,
        token_endpoint: cfg.tokenUri,
      },
      cfg.clientId,
      undefined,
      oidc.ClientSecretPost(cfg.clientSecret),
    );
    if (cfg.allowHttp) oidc.allowInsecureRequests(config);
    return config;
  }
}
