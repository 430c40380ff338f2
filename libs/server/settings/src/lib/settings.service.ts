import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BadRequestError, ClockPort, parseDuration, AUTOCOMMIT, SecretBox } from '@capstan/server-core';
import type { LdapSettingsDto, UpdateSettingsDto } from './dto/settings.dto';
import { SettingsEntity } from './entities/settings.entity';
import {
  DEFAULT_LDAP_SETTINGS,
  DEFAULT_OAUTH_SETTINGS,
  DEFAULT_EDGE_ASYNC_SETTINGS,
  DEFAULT_SETTINGS,
  LdapSettings,
  OAuthSettings,
  Settings,
} from './settings.model';

const SETTINGS_ID = 1;
/** Other replicas' changes are seen within this time (PostgreSQL mode). */
const CACHE_TTL_MS = 5_000;

const LIMITS = {
  UserSessionTimeout: { min: 60_000, max: 8760 * 3_600_000, text: 'between 1m and 8760h' },
  SnapshotInterval: { min: 10_000, max: 24 * 3_600_000, text: 'between 10s and 24h' },
  SnapshotTimeout: { min: 1_000, max: 300_000, text: 'between 1s and 5m' },
} as const;

/** Runtime settings: read on hot paths (session length, password rule), so cached briefly in memory. */
@Injectable()
export class SettingsService {
  private cached: { value: Settings; at: number } | undefined;
  private readonly listeners: ((s: Settings) => void)[] = [];

  constructor(
    @InjectRepository(SettingsEntity) private readonly repo: Repository<SettingsEntity>,
    private readonly clock: ClockPort,
    private readonly box: SecretBox,
  ) {}

  async get(): Promise<Settings> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < CACHE_TTL_MS) return this.cached.value;
    const row = await this.repo.findOneBy({ id: SETTINGS_ID });
    // Stored documents may predate newer fields: defaults fill them in.
    const value: Settings = row
      ? { ...structuredClone(DEFAULT_SETTINGS), ...(JSON.parse(row.value) as Partial<Settings>) }
      : structuredClone(DEFAULT_SETTINGS);
    value.LDAPSettings = { ...structuredClone(DEFAULT_LDAP_SETTINGS), ...value.LDAPSettings };
    value.OAuthSettings = { ...structuredClone(DEFAULT_OAUTH_SETTINGS), ...value.OAuthSettings };
    value.Edge = { ...DEFAULT_EDGE_ASYNC_SETTINGS, ...value.Edge };
    this.cached = { value, at: now };
    return value;
  }

  async sessionLifetimeMs(): Promise<number> {
    return parseDuration((await this.get()).UserSessionTimeout) ?? 8 * 3_600_000;
  }

  async requiredPasswordLength(): Promise<number> {
    return (await this.get()).InternalAuthSettings.RequiredPasswordLength;
  }

  /** The settings as the API shows them: secrets blanked. */
  async view(): Promise<Settings> {
    return redacted(await this.get());
  }

  /** The LDAP settings with the reader password opened (for the directory client only). */
  async ldapSettings(): Promise<LdapSettings> {
    const ldap = (await this.get()).LDAPSettings;
    const key = ldap.TLSConfig.TLSKey;
    return {
      ...ldap,
      Password: ldap.Password ? this.box.open(ldap.Password) : '',
      TLSConfig: { ...ldap.TLSConfig, TLSKey: key ? this.box.open(key) : '' },
    };
  }

  /** The OAuth settings with the client secret opened (for the OAuth client only). */
  async oauthSettings(): Promise<OAuthSettings> {
    const oauth = (await this.get()).OAuthSettings;
    return { ...oauth, ClientSecret: oauth.ClientSecret ? this.box.open(oauth.ClientSecret) : '' };
  }

  /**
   * LDAP settings as posted (a check before saving) merged over the stored ones, password opened: an empty
   * posted password means the stored one.
   */
  async ldapSettingsWith(posted: LdapSettingsDto | undefined): Promise<LdapSettings> {
    const stored = await this.ldapSettings();
    if (!posted) return stored;
    const merged = mergeLdap(stored, posted);
    const key = privateKeyPem(posted.TLSConfig?.TLSKey);
    return {
      ...merged,
      Password: posted.Password ? posted.Password : stored.Password,
      TLSConfig: { ...merged.TLSConfig, TLSKey: key ?? stored.TLSConfig.TLSKey },
    };
  }

  async update(patch: UpdateSettingsDto): Promise<Settings> {
    for (const key of ['UserSessionTimeout', 'SnapshotInterval', 'SnapshotTimeout'] as const) {
      const text = patch[key];
      if (text === undefined) continue;
      const ms = parseDuration(text);
      const limit = LIMITS[key];
      if (ms === undefined || ms < limit.min || ms > limit.max) {
        throw new BadRequestError('Invalid settings', `${key} must be a duration ${limit.text}`);
      }
    }
    if (patch.TrustedProxies) {
      const bad = patch.TrustedProxies.filter((p) => !isAddressOrRange(p.trim()));
      if (bad.length > 0)
        throw new BadRequestError(
          'Invalid settings',
          `TrustedProxies: not an IP address or CIDR range: ${bad.join(', ')}`,
        );
    }
    const current = await this.get();
    const next: Settings = {
      ...current,
      ...definedOnly(patch),
      InternalAuthSettings: patch.InternalAuthSettings
        ? { RequiredPasswordLength: patch.InternalAuthSettings.RequiredPasswordLength }
        : current.InternalAuthSettings,
      BlackListedLabels: patch.BlackListedLabels
        ? patch.BlackListedLabels.map((l) => ({ name: l.name, value: l.value }))
        : current.BlackListedLabels,
      LDAPSettings: patch.LDAPSettings
        ? {
            ...mergeLdap(current.LDAPSettings, patch.LDAPSettings),
            // The reader password is sealed at rest; an empty or absent one keeps what is stored.
            Password: patch.LDAPSettings.Password
              ? this.box.seal(patch.LDAPSettings.Password)
              : current.LDAPSettings.Password,
            TLSConfig: this.sealedTlsKey(
              mergeLdap(current.LDAPSettings, patch.LDAPSettings).TLSConfig,
              patch.LDAPSettings.TLSConfig?.TLSKey,
            ),
          }
        : current.LDAPSettings,
      OAuthSettings: patch.OAuthSettings
        ? {
            ...current.OAuthSettings,
            ...definedOnly(patch.OAuthSettings),
            // The client secret is sealed at rest; an empty or absent one keeps what is stored.
            ClientSecret: patch.OAuthSettings.ClientSecret
              ? this.box.seal(patch.OAuthSettings.ClientSecret)
              : current.OAuthSettings.ClientSecret,
          }
        : current.OAuthSettings,
      TrustedProxies: patch.TrustedProxies
        ? patch.TrustedProxies.map((p) => p.trim())
        : current.TrustedProxies,
      Edge: patch.Edge ? { ...current.Edge, ...definedOnly(patch.Edge) } : current.Edge,
    };
    return this.store(next);
  }

  /**
   * One of the directory's TLS files (Portainer's `/api/upload/tls/{ca|cert|key}` into the `ldap` folder): the CA,
   * the client certificate or its private key (sealed), PEM checked; an empty file removes it.
   */
  async setLdapTlsFile(kind: 'ca' | 'cert' | 'key', text: string): Promise<void> {
    const current = await this.get();
    const tls = current.LDAPSettings.TLSConfig;
    const next: LdapSettings['TLSConfig'] =
      kind === 'key'
        ? this.sealedTlsKey(tls, text.trim() === '' ? undefined : text, text.trim() === '')
        : {
            ...tls,
            [kind === 'ca' ? 'TLSCACert' : 'TLSCert']: pem(kind === 'ca' ? 'CA' : 'cert', text) ?? '',
          };
    await this.store({ ...current, LDAPSettings: { ...current.LDAPSettings, TLSConfig: next } });
  }

  private async store(next: Settings): Promise<Settings> {
    await this.repo.save(
      { id: SETTINGS_ID, value: JSON.stringify(next), updatedAt: this.clock.now() },
      AUTOCOMMIT,
    );
    this.cached = { value: next, at: this.clock.now() };
    for (const listener of this.listeners) listener(next);
    return redacted(next);
  }

  /** The TLS settings with a posted private key checked and sealed; none posted keeps the stored one. */
  private sealedTlsKey(
    tls: LdapSettings['TLSConfig'],
    posted: string | undefined,
    remove = false,
  ): LdapSettings['TLSConfig'] {
    if (remove) return { ...tls, TLSKey: '' };
    const key = privateKeyPem(posted);
    return { ...tls, TLSKey: key ? this.box.seal(key) : tls.TLSKey };
  }

  /** Called after every local change (e.g. to reschedule the snapshot or retention jobs). */
  onChange(listener: (s: Settings) => void): void {
    this.listeners.push(listener);
  }
}

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits >= 0 && bits <= (family === 6 ? 128 : 32);
}

function redacted(s: Settings): Settings {
  return {
    ...s,
    LDAPSettings: {
      ...s.LDAPSettings,
      Password: '',
      TLSConfig: { ...s.LDAPSettings.TLSConfig, TLSKey: '' },
    },
    OAuthSettings: { ...s.OAuthSettings, ClientSecret: '' },
  };
}

/** Posted LDAP settings over the current ones; lists and nested objects are copied field by field. */
function mergeLdap(current: LdapSettings, p: LdapSettingsDto): LdapSettings {
  return {
    ServerType: p.ServerType ?? current.ServerType,
    AnonymousMode: p.AnonymousMode,
    ReaderDN: (p.ReaderDN ?? current.ReaderDN).trim(),
    Password: current.Password,
    URL: (p.URL ?? current.URL).trim(),
    URLs: p.URLs ? p.URLs.map((u) => u.trim()).filter((u) => u !== '') : current.URLs,
    TLSConfig: p.TLSConfig
      ? {
          TLS: p.TLSConfig.TLS,
          TLSSkipVerify: p.TLSConfig.TLSSkipVerify,
          TLSCACert: pem('TLSCACert', p.TLSConfig.TLSCACert) ?? current.TLSConfig.TLSCACert,
          TLSCert: pem('TLSCert', p.TLSConfig.TLSCert) ?? current.TLSConfig.TLSCert,
          // The key is the caller's to seal or open; an empty or absent one keeps what is stored.
          TLSKey: current.TLSConfig.TLSKey,
        }
      : current.TLSConfig,
    StartTLS: p.StartTLS ?? current.StartTLS,
    SearchSettings: p.SearchSettings
      ? p.SearchSettings.map((x) => ({
          BaseDN: x.BaseDN,
          Filter: x.Filter,
          UserNameAttribute: x.UserNameAttribute,
        }))
      : current.SearchSettings,
    GroupSearchSettings: p.GroupSearchSettings
      ? p.GroupSearchSettings.map((x) => ({
          GroupBaseDN: x.GroupBaseDN,
          GroupFilter: x.GroupFilter,
          GroupAttribute: x.GroupAttribute,
        }))
      : current.GroupSearchSettings,
    AutoCreateUsers: p.AutoCreateUsers ?? current.AutoCreateUsers,
    AdminAutoPopulate: p.AdminAutoPopulate ?? current.AdminAutoPopulate,
    AdminGroups: p.AdminGroups ?? current.AdminGroups,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A posted certificate (PEM, one or more), checked; empty or absent: undefined. */
function pem(label: string, text: string | undefined): string | undefined {
  if (text === undefined || text.trim() === '') return text === undefined ? undefined : '';
  try {
    new X509Certificate(text);
  } catch {
    throw new BadRequestError('Invalid TLS file', `${label}: not a PEM certificate`);
  }
  return text;
}

/** A posted private key (PEM), checked; empty or absent: undefined (the stored one stays). */
function privateKeyPem(text: string | undefined): string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    createPrivateKey(text);
  } catch {
    throw new BadRequestError('Invalid TLS file', 'TLSKey: not a PEM private key');
  }
  return text;
}
