import { Injectable, inject } from '@angular/core';

import { ApiClient, unwrap } from '../api/api-client';
import type { PublicSettings, SystemStatus, User } from '../models';

/** Public and authentication routes: admin check/init, login, logout, public settings, status. */
@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly client = inject(ApiClient);

  /** True when an administrator exists (204), false on 404. */
  async adminExists(): Promise<boolean> {
    const { response } = await this.client.raw.GET('/api/users/admin/check');
    if (response.status === 404) return false;
    if (response.ok) return true;
    throw new Error(`Unexpected reply to the administrator check: ${response.status}`);
  }

  initAdmin(username: string, password: string): Promise<User> {
    return unwrap(this.client.raw.POST('/api/users/admin/init', { body: { username, password } }));
  }

  async login(username: string, password: string): Promise<void> {
    await unwrap(this.client.raw.POST('/api/auth', { body: { username, password } }));
  }

  async logout(): Promise<void> {
    await unwrap(this.client.raw.POST('/api/auth/logout'));
  }

  publicSettings(): Promise<PublicSettings> {
    return unwrap(this.client.raw.GET('/api/settings/public'));
  }

  status(): Promise<SystemStatus> {
    return unwrap(this.client.raw.GET('/api/system/status'));
  }
}
