import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { Repository } from 'typeorm';
import { AUTOCOMMIT, ClockPort, ConflictError, NotFoundError, SecretBox } from '@capstan/server-core';
import { TotpEntity } from './totp.entity';

export const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'Capstan';
const PERIOD_S = 30;
/** Steps either side of now that are accepted: the previous window (a code typed as it rolled over) and the next (a fast clock). */
const WINDOW = 1;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export interface TotpStatus {
  readonly enabled: boolean;
  readonly recoveryCodesLeft: number;
}

export interface TotpEnrolment {
  /** Base32 secret, for typing into an app that cannot scan. */
  readonly secret: string;
  readonly otpauthUri: string;
  /** The URI as a PNG QR code (data URL). */
  readonly qrCode: string;
}

/** Which proof passed a second-factor check. */
export type SecondFactorProof = 'code' | 'recovery' | undefined;

/**
 * TOTP second factor of local accounts (RFC 6238 through `otpauth`, QR codes through `qrcode`). The secret is
 * sealed at rest; a code is accepted once (the accepted time step is stored with a compare-and-set, so two
 * requests racing with the same code cannot both pass); recovery codes are single-use SHA-256 digests, removed
 * with a compare-and-set too.
 */
@Injectable()
export class TotpService {
  constructor(
    @InjectRepository(TotpEntity) private readonly repo: Repository<TotpEntity>,
    private readonly box: SecretBox,
    private readonly clock: ClockPort,
  ) {}

  async status(userId: number): Promise<TotpStatus> {
    const row = await this.repo.findOneBy({ userId });
    return row?.confirmed
      ? { enabled: true, recoveryCodesLeft: digests(row).length }
      : { enabled: false, recoveryCodesLeft: 0 };
  }

  /** The users whose second factor is on (confirmed), for the administrator's users list. */
  async enabledUserIds(): Promise<number[]> {
    const rows = await this.repo.find({ where: { confirmed: true }, select: { userId: true } });
    return rows.map((r) => r.userId).sort((a, b) => a - b);
  }

  async isEnabled(userId: number): Promise<boolean> {
    return (await this.status(userId)).enabled;
  }

  /** Starts (or restarts) enrolment with a fresh secret; 409 when a confirmed factor exists. */
  async begin(userId: number, username: string): Promise<TotpEnrolment> {
    const existing = await this.repo.findOneBy({ userId });
    if (existing?.confirmed)
      throw new ConflictError(
        'Two-factor authentication is already enabled',
        'Disable it first to enrol again',
      );
    const secret = new Secret({ size: 20 });
    await this.repo.save(
      {
        userId,
        secretSealed: this.box.seal(secret.base32),
        confirmed: false,
        lastStep: 0,
        recoveryDigests: '[]',
        createdAt: this.clock.now(),
      },
      AUTOCOMMIT,
    );
    const otpauthUri = totpOf(secret.base32, username).toString();
    return { secret: secret.base32, otpauthUri, qrCode: await QRCode.toDataURL(otpauthUri, { margin: 1 }) };
  }

  /**
   * Confirms a pending enrolment with a first code; returns the recovery codes (shown once). 404 without a
   * pending enrolment, 409 when already confirmed; `undefined` for a wrong code.
   */
  async confirm(userId: number, username: string, code: string): Promise<string[] | undefined> {
    const row = await this.repo.findOneBy({ userId });
    if (!row) throw new NotFoundError('No two-factor enrolment in progress', 'Start the enrolment first');
    if (row.confirmed) throw new ConflictError('Two-factor authentication is already enabled', '');
    if (!(await this.acceptCode(row, username, code))) return undefined;
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode);
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ confirmed: true, recoveryDigests: JSON.stringify(codes.map(digest)) })
      .where('user_id = :userId AND confirmed = :no', { userId, no: false })
      .execute();
    if ((result.affected ?? 0) === 0)
      throw new ConflictError('Two-factor authentication is already enabled', '');
    return codes;
  }

  /** Checks a second factor at sign-in or to disable: a current code or an unused recovery code. */
  async verify(userId: number, username: string, code: string): Promise<SecondFactorProof> {
    const row = await this.repo.findOneBy({ userId });
    if (!row?.confirmed) return undefined;
    if (await this.acceptCode(row, username, code)) return 'code';
    if (await this.useRecoveryCode(row, code)) return 'recovery';
    return undefined;
  }

  /** Removes the user's second factor (after the caller checked password + code, or an administrator's reset). */
  async remove(userId: number): Promise<boolean> {
    const result = await this.repo.delete({ userId });
    return (result.affected ?? 0) > 0;
  }

  private async acceptCode(row: TotpEntity, username: string, code: string): Promise<boolean> {
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return false;
    const totp = totpOf(this.box.open(row.secretSealed), username);
    const now = this.clock.now();
    const delta = totp.validate({ token, timestamp: now, window: WINDOW });
    if (delta === null) return false;
    const step = totp.counter({ timestamp: now }) + delta;
    // Compare-and-set: a step at or below the last accepted one is a replay (or an older code) and refused.
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ lastStep: step })
      .where('user_id = :userId AND last_step < :step', { userId: row.userId, step })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  private async useRecoveryCode(row: TotpEntity, code: string): Promise<boolean> {
    const normalised = code.toLowerCase().replace(/[\s-]/g, '');
    if (!/^[a-z2-7]{12}$/.test(normalised)) return false;
    const left = digests(row);
    const d = digest(normalised);
    if (!left.includes(d)) return false;
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ recoveryDigests: JSON.stringify(left.filter((x) => x !== d)) })
      .where('user_id = :userId AND recovery_digests = :old', {
        userId: row.userId,
        old: row.recoveryDigests,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}

function totpOf(base32: string, username: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label: username,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
    secret: Secret.fromBase32(base32),
  });
}

function digests(row: TotpEntity): string[] {
  const parsed: unknown = JSON.parse(row.recoveryDigests);
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
}

function digest(code: string): string {
  return createHash('sha256').update(code.toLowerCase().replace(/[\s-]/g, '')).digest('hex');
}

/** 60 random bits as `xxxx-xxxx-xxxx` (base32, lower case). */
function recoveryCode(): string {
  const bytes = randomBytes(12);
  const chars = Array.from(bytes, (b) => BASE32[b & 31]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}
