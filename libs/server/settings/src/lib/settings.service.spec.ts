import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { MAIN_MIGRATIONS, SecretBox, SystemClock } from '@capstan/server-core';
import { SettingsEntity } from './entities/settings.entity';
import { SettingsService } from './settings.service';

// A real store (SQLite in memory, the committed migrations) and the real secret box.

const ldap = {
  AnonymousMode: false,
  ReaderDN: 'cn=reader,dc=example,dc=org',
  Password: 'reader-secret-1',
  URL: 'ldap.example.org:389',
  SearchSettings: [{ BaseDN: 'ou=people,dc=example,dc=org', Filter: '', UserNameAttribute: 'uid' }],
};

describe('SettingsService: the LDAP reader password', () => {
  let source: DataSource;
  let settings: SettingsService;

  const stored = async (): Promise<string> =>
    (await source.getRepository(SettingsEntity).findOneByOrFail({ id: 1 })).value;

  beforeEach(async () => {
    source = new DataSource({
      type: 'sqlite',
      database: ':memory:',
      entities: [SettingsEntity],
      migrations: MAIN_MIGRATIONS,
      logging: false,
    });
    await source.initialize();
    await source.runMigrations();
    settings = new SettingsService(
      source.getRepository(SettingsEntity),
      new SystemClock(),
      new SecretBox('test-secret'),
    );
  });

  afterEach(async () => {
    await source.destroy();
  });

  it('is sealed at rest, blank in every view, open only for the directory client', async () => {
    const saved = await settings.update({ AuthenticationMethod: 2, LDAPSettings: ldap });
    expect(saved.LDAPSettings.Password).toBe('');
    expect((await settings.view()).LDAPSettings.Password).toBe('');
    expect(await stored()).not.toContain('reader-secret-1');
    expect(JSON.parse(await stored()).LDAPSettings.Password).toMatch(/^v1:/);
    expect((await settings.ldapSettings()).Password).toBe('reader-secret-1');
  });

  it('is kept when posted empty or absent, replaced when posted', async () => {
    await settings.update({ LDAPSettings: ldap });
    await settings.update({
      LDAPSettings: { ...ldap, Password: '', ReaderDN: 'cn=other,dc=example,dc=org' },
    });
    expect((await settings.ldapSettings()).Password).toBe('reader-secret-1');
    expect((await settings.ldapSettings()).ReaderDN).toBe('cn=other,dc=example,dc=org');
    await settings.update({ LDAPSettings: { ...ldap, Password: undefined } });
    expect((await settings.ldapSettings()).Password).toBe('reader-secret-1');
    await settings.update({ LDAPSettings: { ...ldap, Password: 'reader-secret-2' } });
    expect((await settings.ldapSettings()).Password).toBe('reader-secret-2');
  });

  it('merges a not-yet-saved form over the stored settings for a check, without saving it', async () => {
    await settings.update({ LDAPSettings: ldap });
    const tried = await settings.ldapSettingsWith({ ...ldap, Password: '', URL: 'other:389' });
    expect(tried).toMatchObject({ URL: 'other:389', Password: 'reader-secret-1' });
    expect((await settings.ldapSettings()).URL).toBe('ldap.example.org:389');
  });
});
