import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHmac, createSecretKey, KeyObject, randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { ClockPort, KeyValueStore, SecretBox } from '@capstan/server-core';
import { RevokedTokenEntity } from './entities/revoked-token.entity';

/** Claims of a Capstan session token (Portainer's names, plus `gen`, the user's token version). */
export interface SessionClaims {
  id: number;
  username: string;
  role: number;
  scope: 'default';
  forceChangePassword: boolean;
  gen: number;
  jti: string;
  iat: number;
  exp: number;
}

/** What a second-step token lets its holder do: send a code, or enrol a second factor the policy requires. */
export type ChallengePurpose = 'second-factor' | 'enrol';

/** Claims of a short-lived second-step token: the password was right, the second factor is still due. */
export interface ChallengeClaims {
  purpose: ChallengePurpose;
  uid: number;
  username: string;
  /** The session to issue must force a password change (the password was shorter than the rule). */
  fc: boolean;
  jti: string;
  iat: number;
  exp: number;
}

export const CHALLENGE_LIFETIME_S = 300;
const JWT_SECRET_KEY = 'jwt_secret';
const REVOCATION_REFRESH_MS = 10_000;

/**
 * Issues and verifies HS256 session tokens. The signing secret is generated once, sealed with the
 * secret-at-rest key and stored in the database: sessions survive restarts and are shared by replicas.
 * Revoked token ids are kept in memory, persisted, and re-read periodically for other replicas' logouts.
 */
@Injectable()
export class TokenService implements OnModuleInit, OnApplicationShutdown {
  private secret!: Buffer;
  /** The same secret as a KeyObject: jsonwebtoken otherwise tries (and fails) to parse it as a public key on every call. */
  private signingKey!: KeyObject;
  private readonly revoked = new Map<string, number>();
  private refresher: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: KeyValueStore,
    private readonly box: SecretBox,
    private readonly clock: ClockPort,
    @InjectRepository(RevokedTokenEntity) private readonly revokedRepo: Repository<RevokedTokenEntity>,
  ) {}

  async onModuleInit(): Promise<void> {
    const sealed = await this.store.getOrCreate(JWT_SECRET_KEY, () =>
      this.box.seal(randomBytes(48).toString('base64')),
    );
    try {
      this.secret = Buffer.from(this.box.open(sealed), 'base64');
      this.signingKey = createSecretKey(this.secret);
    } catch {
      throw new Error(
        'Cannot decrypt the stored JWT secret: CAPSTAN_SECRET_KEY (or data/secret.key) differs from the one the database was created with',
      );
    }
    await this.purgeExpired();
    await this.refreshRevocations();
    this.refresher = setInterval(() => void this.refreshRevocations(), REVOCATION_REFRESH_MS);
    this.refresher.unref();
  }

  onApplicationShutdown(): void {
    if (this.refresher) clearInterval(this.refresher);
  }

  issue(
    user: { id: number; username: string; role: number; tokenVersion: number },
    lifetimeMs: number,
    forceChangePassword = false,
  ): { token: string; claims: SessionClaims } {
    const iat = Math.floor(this.clock.now() / 1000);
    const claims: SessionClaims = {
      id: user.id,
      username: user.username,
      role: user.role,
      scope: 'default',
      forceChangePassword,
      gen: user.tokenVersion,
      jti: randomUUID(),
      iat,
      exp: iat + Math.max(60, Math.floor(lifetimeMs / 1000)),
    };
    return { token: jwt.sign(claims, this.signingKey, { algorithm: 'HS256' }), claims };
  }

  /** Verified claims, or undefined for a bad, expired or revoked token. */
  verify(token: string): SessionClaims | undefined {
    let claims: SessionClaims;
    try {
      claims = jwt.verify(token, this.signingKey, {
        algorithms: ['HS256'],
        clockTimestamp: Math.floor(this.clock.now() / 1000),
      }) as SessionClaims;
    } catch {
      return undefined;
    }
    if (
      typeof claims.id !== 'number' ||
      typeof claims.jti !== 'string' ||
      typeof claims.gen !== 'number' ||
      'purpose' in claims
    )
      return undefined;
    if (this.revoked.has(claims.jti)) return undefined;
    return claims;
  }

  /** A second-step token (5 minutes), never accepted as a session. */
  issueChallenge(
    user: { id: number; username: string },
    purpose: ChallengePurpose,
    forceChangePassword: boolean,
  ): string {
    const iat = Math.floor(this.clock.now() / 1000);
    const claims: ChallengeClaims = {
      purpose,
      uid: user.id,
      username: user.username,
      fc: forceChangePassword,
      jti: randomUUID(),
      iat,
      exp: iat + CHALLENGE_LIFETIME_S,
    };
    return jwt.sign(claims, this.signingKey, { algorithm: 'HS256' });
  }

  /** The claims of a valid, unexpired second-step token of that purpose; undefined otherwise. */
  verifyChallenge(token: string, purpose: ChallengePurpose): ChallengeClaims | undefined {
    try {
      const claims = jwt.verify(token, this.signingKey, {
        algorithms: ['HS256'],
        clockTimestamp: Math.floor(this.clock.now() / 1000),
      }) as ChallengeClaims;
      return claims.purpose === purpose && typeof claims.uid === 'number' ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  async revoke(claims: Pick<SessionClaims, 'jti' | 'exp'>): Promise<void> {
    const expiresAt = claims.exp * 1000;
    this.revoked.set(claims.jti, expiresAt);
    await this.revokedRepo
      .createQueryBuilder()
      .insert()
      .values({ jti: claims.jti, expiresAt })
      .orIgnore()
      .execute();
  }

  /** CSRF token bound to one session: an HMAC of its token id. */
  csrfToken(jti: string): string {
    return createHmac('sha256', this.secret).update('csrf:').update(jti).digest('base64url');
  }

  /** Re-reads the revocation list (other replicas' logouts); revoked tokens are few, so it is read whole. */
  private async refreshRevocations(): Promise<void> {
    const now = this.clock.now();
    const rows = await this.revokedRepo.find({ where: { expiresAt: MoreThan(now) } }).catch(() => []);
    for (const r of rows) this.revoked.set(r.jti, r.expiresAt);
    for (const [jti, exp] of this.revoked) if (exp < now) this.revoked.delete(jti);
  }

  private async purgeExpired(): Promise<void> {
    await this.revokedRepo.delete({ expiresAt: LessThan(this.clock.now()) });
  }
}
