import { Injectable, inject } from '@angular/core';

import { ApiClient, unwrap } from '../api/api-client';
import type { ActivityLog, AuthLog, LogFilter, LogPage, Settings, SystemVersion } from '../models';

export type LogKind = 'auth' | 'activity';

/** Settings, audit logs and version: the administrator's routes. */
@Injectable({ providedIn: 'root' })
export class AdminApi {
  private readonly client = inject(ApiClient);

  settings(): Promise<Settings> {
    return unwrap(this.client.raw.GET('/api/settings'));
  }

  updateSettings(changes: Partial<Settings>): Promise<Settings> {
    return unwrap(this.client.raw.PUT('/api/settings', { body: changes }));
  }

  version(): Promise<SystemVersion> {
    return unwrap(this.client.raw.GET('/api/system/version'));
  }

  authLogs(filter: LogFilter): Promise<LogPage<AuthLog>> {
    return unwrap(this.client.raw.GET('/api/audit/auth-logs', { params: { query: compact(filter) } }));
  }

  activityLogs(filter: LogFilter): Promise<LogPage<ActivityLog>> {
    return unwrap(this.client.raw.GET('/api/audit/activity-logs', { params: { query: compact(filter) } }));
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
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(filter) as [string, string | number | undefined][]) {
    if (value !== undefined && value !== '' && !(typeof value === 'number' && Number.isNaN(value))) out[key] = value;
  }
  return out as LogFilter;
}
