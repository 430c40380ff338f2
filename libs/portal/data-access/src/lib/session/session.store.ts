import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import {
  MembershipRole,
  type Permission,
  type Principal,
  UserRole,
  hasGlobalPermission,
} from '@capstan/contracts-api';

import { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { LoginStep, TeamMembership, User } from '../models';
import { AuthApi } from '../services/auth-api.service';
import { UsersApi } from '../services/users-api.service';

export const SESSION_EXPIRED_MESSAGE = 'Your session has expired, please log in again';

/**
 * Who is logged in, as signals. The session itself is the httpOnly cookie the server sets on login;
 * the portal never sees the JWT, it only asks `/api/users/me` who it is.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly client = inject(ApiClient);
  private readonly usersApi = inject(UsersApi);
  private readonly authApi = inject(AuthApi);
  private readonly router = inject(Router);

  private readonly userState = signal<User | null>(null);
  private readonly membershipsState = signal<readonly TeamMembership[]>([]);
  private readonly adminExistsState = signal<boolean | null>(null);
  private readonly timedOutState = signal(false);
  private loading: Promise<User | null> | null = null;
  private loaded = false;

  readonly user = this.userState.asReadonly();
  readonly memberships = this.membershipsState.asReadonly();
  /** null until the check ran. */
  readonly adminExists = this.adminExistsState.asReadonly();
  /** The server stopped waiting for its first administrator. */
  readonly adminInitTimedOut = this.timedOutState.asReadonly();
  readonly isAuthenticated = computed(() => this.userState() !== null);
  readonly isAdmin = computed(() => this.userState()?.Role === (UserRole.Administrator as number));
  readonly isTeamLeader = computed(() =>
    this.membershipsState().some((m) => m.Role === (MembershipRole.Leader as number)),
  );
  /** Team ids the user leads. */
  readonly ledTeamIds = computed(
    () =>
      new Set(
        this.membershipsState()
          .filter((m) => m.Role === (MembershipRole.Leader as number))
          .map((m) => m.TeamID),
      ),
  );
  readonly principal = computed<Principal | null>(() => {
    const user = this.userState();
    return user ? { role: user.Role as UserRole, isTeamLeader: this.isTeamLeader() } : null;
  });

  constructor() {
    const sub = this.client.events.subscribe((event) => {
      switch (event.type) {
        case 'unauthorized':
          this.onUnauthorized();
          break;
        case 'admin-init-timeout':
          this.timedOutState.set(true);
          void this.router.navigateByUrl('/instance-timeout');
          break;
      }
    });
    inject(DestroyRef).onDestroy(() => sub.unsubscribe());
  }

  /** Whether the current user holds a global permission from the catalog; false when logged out. */
  can(permission: Permission): boolean {
    const principal = this.principal();
    return principal !== null && hasGlobalPermission(principal, permission);
  }

  /** Loads the session once (later calls reuse it); resolves to the user or null. */
  ensureLoaded(): Promise<User | null> {
    if (this.loaded) return Promise.resolve(this.userState());
    return this.refresh();
  }

  /** Asks the server who we are. A 401 here only means "not logged in". */
  refresh(): Promise<User | null> {
    this.loading ??= this.fetchSession().finally(() => {
      this.loading = null;
      this.loaded = true;
    });
    return this.loading;
  }

  async ensureAdminChecked(): Promise<boolean> {
    const known = this.adminExistsState();
    if (known !== null) return known;
    const exists = await this.authApi.adminExists();
    this.adminExistsState.set(exists);
    return exists;
  }

  async initAdmin(username: string, password: string): Promise<User | null> {
    await this.authApi.initAdmin(username, password);
    this.adminExistsState.set(true);
    await this.login(username, password);
    return this.userState();
  }

  /** The password step: the session, or the second step it still needs (TOTP code or required enrolment). */
  async login(username: string, password: string): Promise<LoginStep> {
    const step = await this.authApi.login(username, password);
    if (step.step === 'done') await this.reload();
    return step;
  }

  /** Completes an OAuth sign-in with what the provider sent back. */
  async loginOAuth(code: string, state?: string, iss?: string): Promise<void> {
    await this.authApi.validateOAuth(code, state, iss);
    await this.reload();
  }

  /** The second step of a two-factor sign-in. */
  async secondFactor(token: string, code: string): Promise<void> {
    await this.authApi.secondFactor(token, code);
    await this.reload();
  }

  /** Confirms the enrolment a policy requires; the session opens; the recovery codes are returned once. */
  async confirmRequiredEnrolment(token: string, code: string): Promise<string[]> {
    const codes = await this.authApi.confirmRequiredEnrolment(token, code);
    await this.reload();
    return codes;
  }

  private async reload(): Promise<void> {
    this.loaded = false;
    await this.refresh();
  }

  async logout(): Promise<void> {
    try {
      await this.authApi.logout();
    } finally {
      this.clear();
      await this.router.navigateByUrl('/login');
    }
  }

  /** Replaces the cached user after the user changed themselves (theme, name). */
  setUser(user: User): void {
    this.userState.set(user);
  }

  clear(): void {
    this.userState.set(null);
    this.membershipsState.set([]);
    this.client.clearCsrfToken();
    this.loaded = true;
  }

  private async fetchSession(): Promise<User | null> {
    try {
      const user = await this.usersApi.me();
      const memberships = await this.usersApi.memberships(user.Id).catch(() => [] as TeamMembership[]);
      this.membershipsState.set(memberships);
      this.userState.set(user);
      return user;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.clear();
        return null;
      }
      throw error;
    }
  }

  private onUnauthorized(): void {
    // Without a session a 401 is expected (first visit, login page); only a lost session is news.
    if (this.userState() === null) return;
    this.clear();
    void this.router.navigate(['/login'], { queryParams: { expired: 1 } });
  }
}
