import { Injectable, inject } from '@angular/core';
import type { UserRole } from '@capstan/contracts-api';

import { ApiClient, unwrap } from '../api/api-client';
import type { ApiKey, TeamMembership, TotpEnrolment, TotpStatus, User, UserUpdate } from '../models';

/** Users, their memberships and their API keys. */
@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly client = inject(ApiClient);

  me(): Promise<User> {
    return unwrap(this.client.raw.GET('/api/users/me'));
  }

  list(): Promise<User[]> {
    return unwrap(this.client.raw.GET('/api/users'));
  }

  /** A user, and the teams they join as a member: one record on the server (both or neither). */
  create(username: string, password: string, role: UserRole, teamIds: readonly number[] = []): Promise<User> {
    return unwrap(
      this.client.raw.POST('/api/users', {
        body: { username, password, role, ...(teamIds.length > 0 ? { teamIds: [...teamIds] } : {}) },
      }),
    );
  }

  update(id: number, body: UserUpdate): Promise<User> {
    return unwrap(this.client.raw.PUT('/api/users/{id}', { params: { path: { id } }, body }));
  }

  async remove(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/users/{id}', { params: { path: { id } } }));
  }

  async changePassword(id: number, password: string, newPassword: string): Promise<void> {
    await unwrap(
      this.client.raw.PUT('/api/users/{id}/passwd', {
        params: { path: { id } },
        body: { password, newPassword },
      }),
    );
  }

  memberships(id: number): Promise<TeamMembership[]> {
    return unwrap(this.client.raw.GET('/api/users/{id}/memberships', { params: { path: { id } } }));
  }

  apiKeys(id: number): Promise<ApiKey[]> {
    return unwrap(this.client.raw.GET('/api/users/{id}/tokens', { params: { path: { id } } }));
  }

  createApiKey(
    id: number,
    description: string,
    password: string,
  ): Promise<{ rawAPIKey: string; apiKey: ApiKey }> {
    return unwrap(
      this.client.raw.POST('/api/users/{id}/tokens', {
        params: { path: { id } },
        body: { description, password },
      }),
    );
  }

  async revokeApiKey(id: number, keyId: number): Promise<void> {
    await unwrap(
      this.client.raw.DELETE('/api/users/{id}/tokens/{keyId}', { params: { path: { id, keyId } } }),
    );
  }

  totpStatus(id: number): Promise<TotpStatus> {
    return unwrap(this.client.raw.GET('/api/users/{id}/totp', { params: { path: { id } } }));
  }

  beginTotp(id: number): Promise<TotpEnrolment> {
    return unwrap(this.client.raw.POST('/api/users/{id}/totp', { params: { path: { id } } }));
  }

  /** The recovery codes, shown once. */
  async confirmTotp(id: number, code: string): Promise<string[]> {
    return (
      await unwrap(
        this.client.raw.POST('/api/users/{id}/totp/confirm', { params: { path: { id } }, body: { code } }),
      )
    ).recoveryCodes;
  }

  async disableTotp(id: number, password: string, code: string): Promise<void> {
    await unwrap(
      this.client.raw.POST('/api/users/{id}/totp/disable', {
        params: { path: { id } },
        body: { password, code },
      }),
    );
  }

  /** Administrators: the ids of the users whose two-factor sign-in is on. */
  async totpEnabledUsers(): Promise<number[]> {
    return (await unwrap(this.client.raw.GET('/api/users/totp'))).Enabled;
  }

  /** Administrators: removes another user's second factor. */
  async resetTotp(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/users/{id}/totp', { params: { path: { id } } }));
  }
}
