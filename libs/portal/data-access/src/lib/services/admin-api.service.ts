import { Injectable, inject } from '@angular/core';

import { ApiClient, unwrap } from '../api/api-client';
import type {
  ActivityLog,
  AuthLog,
  LogFilter,
  LdapSettings,
  LdapTestResult,
  LogPage,
  Settings,
  SettingsUpdate,
  SystemVersion,
} from '../models';

export type LogKind = 'auth' | 'activity';

/** Settings, audit logs and version: the administrator's routes. */
@Injectable({ providedIn: 'root' })
export class AdminApi {
  private readonly client = inject(ApiClient);

  settings(): Promise<Settings> {
    return unwrap(this.client.raw.GET('/api/settings'));
  }

  updateSettings(changes: SettingsUpdate): Promise<Settings> {
    return unwrap(this.client.raw.PUT('/api/settings', { body: changes }));
  }

  /** Connects and binds with these (unsaved) LDAP settings; an empty Password means the stored one. */
  async ldapCheck(settings: LdapSettings): Promise<void> {
    await unwrap(this.client.raw.POST('/api/ldap/check', { body: { LDAPSettings: settings } }));
  }

  /** Finds a user with these LDAP settings: their DN, groups (nested too) and the linked teams they would get. */
  ldapTest(username: string, settings: LdapSettings): Promise<LdapTestResult> {
    return unwrap(
      this.client.raw.POST('/api/ldap/test', { body: { Username: username, LDAPSettings: settings } }),
    );
  }

  /**
   * Uploads the directory's CA, client certificate or client key (PEM) into the LDAP TLS settings (Portainer's
   * `/api/upload/tls/{kind}`, folder `ldap`); an empty file removes it. The key is never shown again.
   */
  async uploadLdapTls(kind: 'ca' | 'cert' | 'key', file: Blob): Promise<void> {
    const form = new FormData();
    form.set('folder', 'ldap');
    form.set('file', file, `${kind}.pem`);
    await unwrap(
      this.client.raw.POST('/api/upload/tls/{certificate}', {
        params: { path: { certificate: kind } },
        // openapi-fetch sends FormData as is (the browser sets the multipart boundary).
        body: form as unknown as { folder: 'ldap'; file: string },
      }),
    );
  }

  version(): Promise<SystemVersion> {
    return unwrap(this.client.raw.GET('/api/system/version'));
  }

  authLogs(filter: LogFilter): Promise<LogPage<AuthLog>> {
    return unwrap(this.client.raw.GET('/api/audit/auth-logs', { params: { query: compact(filter) } }));
  }

  activityLogs(filter: LogFilter): Promise<LogPage<ActivityLog>> {
    const { type: _authOnly, ...query } = compact(filter);
    return unwrap(this.client.raw.GET('/api/audit/activity-logs', { params: { query } }));
  }

  /** The CSV export is a plain download (the cookie authenticates it), so this only builds its URL. */
  exportUrl(kind: LogKind, filter: LogFilter): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(compact({ ...filter, offset: undefined, limit: undefined }))) {
      query.set(key, String(value));
    }
    const qs = query.toString();
    return `/api/audit/${kind}-logs/export${qs ? `?${qs}` : ''}`;
  }
}

/** Drops empty filter values so they do not reach the query string. */
function compact(filter: LogFilter): LogFilter {
  const out: LogFilter = {};
  for (const key of Object.keys(filter) as (keyof LogFilter)[]) {
    const value = filter[key];
    if (value === undefined || value === '' || (typeof value === 'number' && Number.isNaN(value))) continue;
    Object.assign(out, { [key]: value });
  }
  return out;
}
