import { Injectable } from '@nestjs/common';
import { AuthenticationMethod } from '@capstan/contracts-api';
import { ClockPort, ForbiddenError, SecretBox, UnauthorizedError } from '@capstan/server-core';
import { SettingsService } from '@capstan/server-settings';
import { OAuthClient, type PendingSignIn } from './oauth-client';
import { providerConfig } from './oauth.strategy';

/** The cookie that carries a started sign-in's state, nonce and PKCE verifier, sealed, to the validate call. */
export const OAUTH_PENDING_COOKIE = 'capstan_oauth_pending';
export const OAUTH_PENDING_TTL_MS = 10 * 60_000;

/** Starts an OAuth sign-in (the URL to send the browser to and the sealed pending state) and reads it back. */
@Injectable()
export class OAuthFlow {
  constructor(
    private readonly settings: SettingsService,
    private readonly client: OAuthClient,
    private readonly box: SecretBox,
    private readonly clock: ClockPort,
  ) {}

  async begin(): Promise<{ url: string; sealed: string }> {
    if ((await this.settings.get()).AuthenticationMethod !== AuthenticationMethod.OAuth)
      throw new ForbiddenError(
        'OAuth authentication is not enabled',
        'The authentication method is not OAuth',
      );
    const { url, pending } = await this.client.begin(providerConfig(await this.settings.oauthSettings()));
    return {
      url,
      sealed: this.box.seal(JSON.stringify({ ...pending, exp: this.clock.now() + OAUTH_PENDING_TTL_MS })),
    };
  }

  /** The pending sign-in of this browser; 401 when there is none, it was tampered with or it expired. */
  pending(sealed: string | undefined): PendingSignIn {
    const expired = new UnauthorizedError(
      'No OAuth sign-in in progress',
      'Start again from the login page (the sign-in expired or was started in another browser)',
    );
    if (!sealed) throw expired;
    let value: Partial<PendingSignIn> & { exp?: number };
    try {
      value = JSON.parse(this.box.open(sealed)) as typeof value;
    } catch {
      throw expired;
    }
    if (
      typeof value.state !== 'string' ||
      typeof value.nonce !== 'string' ||
      typeof value.verifier !== 'string' ||
      typeof value.exp !== 'number' ||
      value.exp < this.clock.now()
    )
      throw expired;
    return { state: value.state, nonce: value.nonce, verifier: value.verifier };
  }
}
