import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { Secret, TOTP } from 'otpauth';
import { ClockPort, MAIN_MIGRATIONS, SecretBox } from '@capstan/server-core';
import { TotpEntity } from './totp.entity';
import { RECOVERY_CODE_COUNT, TotpService } from './totp.service';

// A real store (SQLite in memory, the committed migrations); the clock is the only port replaced.

class TestClock extends ClockPort {
  t = Date.UTC(2026, 0, 1, 12, 0, 0);
  now(): number {
    return this.t;
  }
}

const STEP_MS = 30_000;

describe('TotpService: RFC 6238 codes, once each; recovery codes once each', () => {
  let source: DataSource;
  let clock: TestClock;
  let box: SecretBox;
  let service: TotpService;

  /** The code an authenticator app shows for `secret` at `at`. */
  const codeAt = (secret: string, at: number): string =>
    new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at });

  async function enrolled(): Promise<{ secret: string; recovery: string[] }> {
    const { secret } = await service.begin(1, 'ann');
    const recovery = await service.confirm(1, 'ann', codeAt(secret, clock.t));
    expect(recovery).toHaveLength(RECOVERY_CODE_COUNT);
    clock.t += STEP_MS; // the enrolment code's step is used up
    return { secret, recovery: recovery ?? [] };
  }

  beforeEach(async () => {
    source = new DataSource({
      type: 'sqlite',
      database: ':memory:',
      entities: [TotpEntity],
      migrations: MAIN_MIGRATIONS,
      logging: false,
    });
    await source.initialize();
    await source.runMigrations();
    await source.query(
      `INSERT INTO users (username, username_key, role, created_at) VALUES ('ann', 'ann', 2, 0)`,
    );
    clock = new TestClock();
    box = new SecretBox('unit-test-secret-key-unit-test-secret-key');
    service = new TotpService(source.getRepository(TotpEntity), box, clock);
  });

  afterEach(async () => {
    await source.destroy();
  });

  it('enrols with a QR code, keeps the secret sealed at rest, and is off until confirmed', async () => {
    const enrolment = await service.begin(1, 'ann');
    expect(enrolment.otpauthUri).toMatch(/^otpauth:\/\/totp\/Capstan:ann\?/);
    expect(enrolment.otpauthUri).toContain(`secret=${enrolment.secret}`);
    expect(enrolment.qrCode).toMatch(/^data:image\/png;base64,/);
    const [row] = await source.query<{ secret_sealed: string }[]>('SELECT secret_sealed FROM user_totp');
    expect(row?.secret_sealed).not.toContain(enrolment.secret);
    expect(box.open(row?.secret_sealed ?? '')).toBe(enrolment.secret);
    expect(await service.status(1)).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    expect(await service.confirm(1, 'ann', '000000')).toBeUndefined();
    expect(await service.isEnabled(1)).toBe(false);
  });

  it('stores only digests of the ten recovery codes', async () => {
    const { recovery } = await enrolled();
    expect(new Set(recovery).size).toBe(RECOVERY_CODE_COUNT);
    const [row] = await source.query<{ recovery_digests: string }[]>(
      'SELECT recovery_digests FROM user_totp',
    );
    for (const code of recovery) expect(row?.recovery_digests).not.toContain(code.replace(/-/g, ''));
    expect(await service.status(1)).toEqual({ enabled: true, recoveryCodesLeft: 10 });
  });

  it('accepts the current code and the previous window, refuses older ones', async () => {
    const { secret } = await enrolled();
    clock.t += 10 * STEP_MS;
    expect(await service.verify(1, 'ann', codeAt(secret, clock.t - 2 * STEP_MS))).toBeUndefined();
    expect(await service.verify(1, 'ann', codeAt(secret, clock.t - STEP_MS))).toBe('code');
    expect(await service.verify(1, 'ann', codeAt(secret, clock.t))).toBe('code');
  });

  it('refuses a replayed code, even two at once', async () => {
    const { secret } = await enrolled();
    const code = codeAt(secret, clock.t);
    const results = await Promise.all([service.verify(1, 'ann', code), service.verify(1, 'ann', code)]);
    expect(results.filter((r) => r === 'code')).toHaveLength(1);
    expect(await service.verify(1, 'ann', code)).toBeUndefined();
    // Once a newer step was used, the previous window's code is older than it: refused.
    clock.t += STEP_MS;
    expect(await service.verify(1, 'ann', codeAt(secret, clock.t))).toBe('code');
    expect(await service.verify(1, 'ann', codeAt(secret, clock.t - STEP_MS))).toBeUndefined();
  });

  it('accepts a recovery code once (any case, with or without dashes)', async () => {
    const { recovery } = await enrolled();
    const [first, second] = recovery as [string, string];
    expect(await service.verify(1, 'ann', first.toUpperCase())).toBe('recovery');
    expect(await service.verify(1, 'ann', first)).toBeUndefined();
    expect(await service.verify(1, 'ann', second.replace(/-/g, ''))).toBe('recovery');
    expect(await service.status(1)).toEqual({ enabled: true, recoveryCodesLeft: 8 });
    for (const bad of ['', 'abcd-efgh-ijkl', '1234567', "' OR 1=1 --", 'x'.repeat(40)])
      expect(await service.verify(1, 'ann', bad)).toBeUndefined();
  });

  it('cannot enrol twice without removing; removal turns it off', async () => {
    await enrolled();
    await expect(service.begin(1, 'ann')).rejects.toThrow('already enabled');
    expect(await service.remove(1)).toBe(true);
    expect(await service.remove(1)).toBe(false);
    expect(await service.status(1)).toEqual({ enabled: false, recoveryCodesLeft: 0 });
  });
});
