import { Injectable } from '@nestjs/common';
import passport from 'passport';
import { Strategy } from 'passport-strategy';
import { AuthenticationMethod, MembershipRole, UserRole } from '@capstan/contracts-api';
import type { AuthenticatedUser } from '@capstan/server-core';
import { SettingsService, type OAuthSettings } from '@capstan/server-settings';
import { TeamsService, UsersService } from '@capstan/server-users';
import { initialAdminSignIn } from '../sign-in/initial-admin';
import type { SignInResult, SignInStrategy } from '../sign-in/sign-in-strategy';
import {
  OAuthClient,
  OAuthRefused,
  type OAuthProviderConfig,
  type PendingSignIn,
  type ProviderReturn,
} from './oauth-client';

/** The server itself, adding a new account to the default team at its first sign-in. */
const SIGN_IN_ACTOR: AuthenticatedUser = {
  id: 0,
  username: 'oauth-sign-in',
  role: UserRole.Administrator,
  isTeamLeader: false,
  via: 'bearer',
};

/** What `POST /api/auth/oauth/validate` hands the strategy: the provider's return and the browser's pending sign-in. */
export interface OAuthSignInBody extends ProviderReturn {
  readonly pending: PendingSignIn;
}

/** Settings → the client's provider config (the secret opened by the settings facade). */
export function providerConfig(s: OAuthSettings): OAuthProviderConfig {
  const urls = [s.Issuer, s.AuthorizationURI, s.AccessTokenURI, s.ResourceURI].filter((u) => u !== '');
  return {
    issuer: s.Issuer || undefined,
    authorizationUri: s.AuthorizationURI || undefined,
    tokenUri: s.AccessTokenURI || undefined,
    resourceUri: s.ResourceURI || undefined,
    clientId: s.ClientID,
    clientSecret: s.ClientSecret,
    redirectUri: s.RedirectURI,
    scopes: s.Scopes.split(/[\s,]+/).filter((x) => x !== ''),
    // Plain http only to a provider on this machine (tests, a local IdP); anything else must be https.
    allowHttp:
      urls.length > 0 &&
      urls.every((u) => /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(`${u}/`)),
  };
}

/**
 * OAuth 2.0 / OpenID Connect sign-in (Portainer's method 3): the provider's code is exchanged by `OAuthClient`
 * (PKCE, state, nonce); the user is read from the `UserIdentifier` claim, auto-created with the default team when
 * allowed, and their teams linked to provider groups are synced both ways from `GroupClaim`. The session may not
 * outlive the provider's access token.
 */
@Injectable()
export class OAuthStrategy extends Strategy implements SignInStrategy {
  readonly method = AuthenticationMethod.OAuth;
  readonly name = 'oauth';
  readonly context = 'oauth';

  constructor(
    private readonly settings: SettingsService,
    private readonly client: OAuthClient,
    private readonly users: UsersService,
    private readonly teams: TeamsService,
  ) {
    super();
    passport.use(this.name, this);
  }

  override authenticate(req: {
    body: Partial<OAuthSignInBody> & { username?: unknown; password?: unknown };
  }): void {
    const { code, pending, username, password } = req.body;
    if (typeof username === 'string' && typeof password === 'string') {
      // POST /api/auth under OAuth: only the initial administrator's internal password (break-glass).
      initialAdminSignIn(this.users, username, password).then(
        (r) =>
          r && 'user' in r
            ? this.success(r.user)
            : this.fail({ message: r?.refused ?? 'password sign-in is off under OAuth' }, 401),
        (e: unknown) => this.error(e instanceof Error ? e : new Error(String(e))),
      );
      return;
    }
    if (typeof code !== 'string' || !pending) {
      this.fail({ message: 'No authorization code' }, 401);
      return;
    }
    this.signIn({ code, pending, state: req.body.state, iss: req.body.iss }).then(
      (r) => ('user' in r ? this.success(r.user) : this.fail({ message: r.refused }, 401)),
      (e: unknown) => this.error(e instanceof Error ? e : new Error(String(e))),
    );
  }

  /** The signed-in user, or why not (for the authentication log); a provider that cannot be reached throws. */
  async signIn(body: OAuthSignInBody): Promise<SignInResult> {
    const s = await this.settings.oauthSettings();
    let identity: Awaited<ReturnType<OAuthClient['complete']>>;
    try {
      identity = await this.client.complete(providerConfig(s), body.pending, body);
    } catch (e) {
      if (e instanceof OAuthRefused) return { refused: e.reason };
      throw e;
    }
    const raw = identity.claims[s.UserIdentifier || 'sub'];
    const username = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    if (username === '') return { refused: `no "${s.UserIdentifier || 'sub'}" claim` };
    const existed = await this.users.findByUsername(username);
    const user = await this.users.ensureExternal(username, s.OAuthAutoCreateUsers);
    if (!user) return { refused: 'no local account and auto-create is off' };
    // Portainer's DefaultTeamID: a new account joins that team (as the server, acting for the administrator).
    if (!existed && s.DefaultTeamID > 0)
      await this.teams.addMembership(SIGN_IN_ACTOR, {
        userID: user.id,
        teamID: s.DefaultTeamID,
        role: MembershipRole.Member,
      });
    if (s.GroupClaim) {
      const claim = identity.claims[s.GroupClaim];
      const groups = Array.isArray(claim)
        ? claim.filter((g): g is string => typeof g === 'string')
        : typeof claim === 'string'
          ? [claim]
          : [];
      await this.teams.syncLinkedTeams({ userId: user.id, source: 'oauth', groups });
    }
    const fresh = (await this.users.authInfo(user.id)) ?? user;
    return {
      user: {
        id: fresh.id,
        username: fresh.username,
        role: fresh.role,
        tokenVersion: fresh.tokenVersion,
        ...(identity.expiresIn ? { sessionLifetimeMs: identity.expiresIn * 1000 } : {}),
      },
    };
  }
}
