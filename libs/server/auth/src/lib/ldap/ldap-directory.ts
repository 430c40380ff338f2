import type { ConnectionOptions } from 'node:tls';
import { Injectable } from '@nestjs/common';
import { Client, type Entry, InvalidCredentialsError, NoSuchObjectError, type SearchOptions } from 'ldapts';
import { ServiceUnavailableError } from '@capstan/server-core';
import { type LdapSettings, LdapServerType } from '@capstan/server-settings';

/** LDAP_MATCHING_RULE_IN_CHAIN: Active Directory resolves nested group membership server-side. */
const IN_CHAIN = '1.2.840.113556.1.4.1941';
/** Nested groups resolved by repeated searches (servers without the in-chain rule) stop at this depth. */
const MAX_NESTING = 8;
const TIMEOUT_MS = 5_000;

export interface DirectoryGroup {
  readonly dn: string;
  readonly name: string;
}

/** The directory could not be reached or refused the reader: nobody signs in, the caller sees why. */
export class DirectoryUnavailableError extends ServiceUnavailableError {
  constructor(details: string) {
    super('LDAP directory unavailable', details);
  }
}

/** RFC 4515 escaping of a value in a filter: `*`, `(`, `)`, `\\` and NUL cannot change the filter. */
export function escapeFilter(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The URLs to try, in order, with the scheme the TLS setting implies when a bare host:port is given. */
export function directoryUrls(s: LdapSettings): string[] {
  const list = s.URLs.length > 0 ? s.URLs : s.URL ? [s.URL] : [];
  return list.map((u) => (/^ldaps?:\/\//i.test(u) ? u : `${s.TLSConfig.TLS ? 'ldaps' : 'ldap'}://${u}`));
}

/** TLS towards the directory: the configured CA, the client certificate and key when both are set, skip-verify. */
export function tlsOptions(s: LdapSettings): ConnectionOptions {
  const { TLSCACert, TLSCert, TLSKey, TLSSkipVerify } = s.TLSConfig;
  return {
    rejectUnauthorized: !TLSSkipVerify,
    ...(TLSCACert.trim() ? { ca: [TLSCACert] } : {}),
    ...(TLSCert.trim() && TLSKey.trim() ? { cert: TLSCert, key: TLSKey } : {}),
  };
}

/** A user filter: the configured one (if any) AND the user-name attribute equal to the escaped name. */
export function userFilter(filter: string, attribute: string, username: string): string {
  const own = `(${attribute}=${escapeFilter(username)})`;
  return filter.trim() ? `(&${wrap(filter)}${own})` : own;
}

function wrap(filter: string): string {
  const f = filter.trim();
  return f.startsWith('(') ? f : `(${f})`;
}

/** One connection to the first URL that answers, bound as the reader (or anonymous). */
export class DirectorySession {
  constructor(
    private readonly client: Client,
    readonly url: string,
    private readonly settings: LdapSettings,
  ) {}

  /** The DN of the user: the first search setting that finds exactly one entry. */
  async findUser(username: string): Promise<string | undefined> {
    for (const search of this.settings.SearchSettings) {
      if (!search.BaseDN.trim() || !search.UserNameAttribute.trim()) continue;
      const searchEntries = await this.search(search.BaseDN, {
        scope: 'sub',
        filter: userFilter(search.Filter, search.UserNameAttribute.trim(), username),
        attributes: ['dn'],
        sizeLimit: 2,
      });
      if (searchEntries.length === 1) return searchEntries[0].dn;
    }
    return undefined;
  }

  /** The user's groups (nested ones included), from every group search setting. */
  async groupsOf(userDn: string): Promise<DirectoryGroup[]> {
    const found = new Map<string, DirectoryGroup>();
    for (const g of this.settings.GroupSearchSettings) {
      if (!g.GroupBaseDN.trim() || !g.GroupAttribute.trim()) continue;
      const attribute = g.GroupAttribute.trim();
      const base = g.GroupFilter.trim() ? wrap(g.GroupFilter) : '(objectClass=*)';
      if (this.settings.ServerType === LdapServerType.ActiveDirectory) {
        for (const group of await this.groups(
          g.GroupBaseDN,
          `(&${base}(${attribute}:${IN_CHAIN}:=${escapeFilter(userDn)}))`,
        ))
          found.set(group.dn.toLowerCase(), group);
        continue;
      }
      // Without the in-chain rule: the groups that list the user, then the groups that list those, and so on.
      let frontier = [userDn];
      for (let depth = 0; depth < MAX_NESTING && frontier.length > 0; depth++) {
        const members = frontier.map((dn) => `(${attribute}=${escapeFilter(dn)})`).join('');
        const groups = await this.groups(g.GroupBaseDN, `(&${base}(|${members}))`);
        frontier = [];
        for (const group of groups) {
          const key = group.dn.toLowerCase();
          if (found.has(key)) continue;
          found.set(key, group);
          frontier.push(group.dn);
        }
      }
    }
    return [...found.values()];
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }

  /** A base DN that does not exist finds nothing; any other failure (server gone, bad filter) is said plainly. */
  private async search(base: string, options: SearchOptions): Promise<Entry[]> {
    try {
      return (await this.client.search(base, options)).searchEntries;
    } catch (e) {
      if (e instanceof NoSuchObjectError) return [];
      if (e instanceof Error && e.name === 'SizeLimitExceededError') return [{ dn: '' }, { dn: '' }];
      throw new DirectoryUnavailableError(`Search of ${base} on ${this.url} failed: ${reason(e)}`);
    }
  }

  private async groups(base: string, filter: string): Promise<DirectoryGroup[]> {
    const searchEntries = await this.search(base, { scope: 'sub', filter, attributes: ['cn'] });
    return searchEntries.map((e) => ({ dn: e.dn, name: firstValue(e['cn']) ?? e.dn }));
  }
}

function firstValue(v: unknown): string | undefined {
  const first: unknown = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'string') return first;
  return Buffer.isBuffer(first) ? first.toString('utf8') : undefined;
}

/**
 * The directory through ldapts, where sign-in needs more than passport-ldapauth gives: a session bound as the reader
 * (URLs tried in order; LDAPS or StartTLS with the configured CA and client certificate) to find a user without
 * their password (the test route, classifying a refusal) and to list their groups, nested ones included.
 */
@Injectable()
export class LdapDirectory {
  /**
   * A reader session on the first URL that answers (or on `url`, the one a sign-in's bind answered on);
   * DirectoryUnavailableError when none does.
   */
  async open(settings: LdapSettings, url?: string): Promise<DirectorySession> {
    const urls = url ? [url] : directoryUrls(settings);
    if (urls.length === 0) throw new DirectoryUnavailableError('No LDAP server URL is configured');
    const failures: string[] = [];
    for (const url of urls) {
      const client = await this.connect(settings, url).catch((e: unknown) => {
        failures.push(`${url}: ${reason(e)}`);
        return undefined;
      });
      if (!client) continue;
      try {
        if (!settings.AnonymousMode) await client.bind(settings.ReaderDN, settings.Password);
        return new DirectorySession(client, url, settings);
      } catch (e) {
        await client.unbind().catch(() => undefined);
        if (e instanceof InvalidCredentialsError)
          throw new DirectoryUnavailableError(`The reader account was refused by ${url}`);
        failures.push(`${url}: ${reason(e)}`);
      }
    }
    throw new DirectoryUnavailableError(failures.join('; '));
  }

  private async connect(settings: LdapSettings, url: string): Promise<Client> {
    const tls = tlsOptions(settings);
    const client = new Client({
      url,
      timeout: TIMEOUT_MS,
      connectTimeout: TIMEOUT_MS,
      ...(url.toLowerCase().startsWith('ldaps:') ? { tlsOptions: tls } : {}),
    });
    if (settings.StartTLS && !url.toLowerCase().startsWith('ldaps:')) {
      try {
        await client.startTLS(tls);
      } catch (e) {
        await client.unbind().catch(() => undefined);
        throw e;
      }
    }
    return client;
  }
}

function reason(e: unknown): string {
  if (e instanceof Error) return (e as Error & { code?: string }).code ?? e.message;
  return String(e);
}
