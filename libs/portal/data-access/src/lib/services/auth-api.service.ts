import { Injectable, inject } from '@angular/core';

import { API_HEADERS } from '@capstan/contracts-api';

import { ApiClient, unwrap } from '../api/api-client';
import type { LoginStep, PublicSettings, SystemStatus, TotpEnrolment, User } from '../models';

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

  /**
   * The password step. A two-factor account (or one a policy makes enrol) gets a 401 with a second-step token
   * in a header: that is a next step, not a failure.
   */
  async login(username: string, password: string): Promise<LoginStep> {
    const result = await this.client.raw.POST('/api/auth', { body: { username, password } });
    const token = result.response.headers.get(API_HEADERS.secondFactor);
    if (result.response.status === 401 && token) {
      const enrol = /enrol/i.test((result.error as { message?: string } | undefined)?.message ?? '');
      return { step: enrol ? 'enrol' : 'code', token };
    }
    await unwrap(Promise.resolve(result));
    return { step: 'done' };
  }

  /** The end of an OAuth sign-in: the code (and state) the provider sent back to the portal. */
  async validateOAuth(code: string, state?: string, iss?: string): Promise<void> {
    await unwrap(this.client.raw.POST('/api/auth/oauth/validate', { body: { code, state, iss } }));
  }

  /** The second step: a code from the authenticator app or a recovery code. */
  async secondFactor(token: string, code: string): Promise<void> {
    await unwrap(this.client.raw.POST('/api/auth/totp', { body: { token, code } }));
  }

  /** Starts the enrolment a policy requires before the first session. */
  beginRequiredEnrolment(token: string): Promise<TotpEnrolment> {
    return unwrap(this.client.raw.POST('/api/auth/totp/enrol', { body: { token } }));
  }

  /** Confirms it: the session cookie is set; the recovery codes are returned once. */
  async confirmRequiredEnrolment(token: string, code: string): Promise<string[]> {
    return (await unwrap(this.client.raw.POST('/api/auth/totp/enrol/confirm', { body: { token, code } })))
      .recoveryCodes;
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
