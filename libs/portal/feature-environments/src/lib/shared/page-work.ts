import { inject, signal } from '@angular/core';
import { type Team, TeamsApi, type User, UsersApi, errorMessage } from '@capstan/portal-data-access';
import { ToastService } from '@capstan/portal-ui';

/**
 * An edit page's saves, one at a time: `busy` while one runs (a second is ignored), then the success toast or
 * the error's. Create in a field initializer.
 */
export class PageWork {
  private readonly toasts = inject(ToastService);
  readonly busy = signal(false);

  async run(done: string, work: () => Promise<void>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    try {
      await work();
      this.toasts.success(done);
    } catch (error) {
      this.toasts.error(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}

/**
 * The users and teams an access editor offers; either list may fail alone (it stays empty: a team leader
 * cannot list users). Create in a field initializer.
 */
export class AccessCandidates {
  private readonly usersApi = inject(UsersApi);
  private readonly teamsApi = inject(TeamsApi);
  readonly users = signal<User[]>([]);
  readonly teams = signal<Team[]>([]);

  async load(): Promise<void> {
    const [users, teams] = await Promise.allSettled([this.usersApi.list(), this.teamsApi.list()]);
    if (users.status === 'fulfilled') this.users.set(users.value);
    if (teams.status === 'fulfilled') this.teams.set(teams.value);
  }
}
