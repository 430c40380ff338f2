import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { Permission, UserRole } from '@capstan/contracts-api';
import { SessionStore, ThemeService, errorMessage } from '@capstan/portal-data-access';
import { AppShell, type NavItem, type ShellTheme, ToastService } from '@capstan/portal-ui';

interface GuardedNavItem extends NavItem {
  /** Shown when the user holds any of these; none means everyone. */
  readonly anyOf?: readonly Permission[];
}

/** The pages inside one environment: reached from Home's list, though their URLs sit under /environments. */
const INSIDE_ENVIRONMENT = '/environments/:envId/docker/**';

/** The catalog decides what the nav shows; the routes carry the same permissions in their guards. */
const NAV: readonly GuardedNavItem[] = [
  { label: 'Home', path: '/home', testId: 'nav-home', icon: '⌂', activeAlso: [INSIDE_ENVIRONMENT] },
  {
    label: 'Environments',
    path: '/environments',
    testId: 'nav-environments',
    icon: '⎈',
    section: 'Administration',
    anyOf: [Permission.EnvironmentsManage],
    activeNever: [INSIDE_ENVIRONMENT],
  },
  {
    label: 'Edge jobs',
    path: '/edge/jobs',
    testId: 'nav-edge-jobs',
    icon: '⏲',
    section: 'Administration',
    anyOf: [Permission.EnvironmentsManage],
  },
  {
    label: 'Users',
    path: '/admin/users',
    testId: 'nav-users',
    icon: '⚇',
    section: 'Administration',
    anyOf: [Permission.UsersManage],
  },
  {
    label: 'Teams',
    path: '/admin/teams',
    testId: 'nav-teams',
    icon: '⚉',
    section: 'Administration',
    anyOf: [Permission.TeamsManage, Permission.TeamMembersManage],
  },
  {
    label: 'Registries',
    path: '/admin/registries',
    testId: 'nav-registries',
    icon: '⛁',
    section: 'Administration',
    anyOf: [Permission.RegistriesManage],
  },
  {
    label: 'Authentication logs',
    path: '/admin/auth-logs',
    testId: 'nav-auth-logs',
    icon: '⚷',
    section: 'Administration',
    anyOf: [Permission.AuditRead],
  },
  {
    label: 'Activity logs',
    path: '/admin/activity-logs',
    testId: 'nav-activity-logs',
    icon: '☰',
    section: 'Administration',
    anyOf: [Permission.AuditRead],
  },
  {
    label: 'Settings',
    path: '/admin/settings',
    testId: 'nav-settings',
    icon: '⚙',
    section: 'Administration',
    anyOf: [Permission.SettingsRead],
  },
  {
    label: 'Authentication',
    path: '/admin/authentication',
    testId: 'nav-authentication',
    icon: '◈',
    section: 'Administration',
    anyOf: [Permission.SettingsRead],
  },
  { label: 'My account', path: '/account', testId: 'nav-account', icon: '☺', section: 'You' },
  {
    label: 'About',
    path: '/admin/about',
    testId: 'nav-about',
    icon: '◇',
    section: 'You',
    anyOf: [Permission.SystemRead],
  },
];

/** Composes the presentational shell with the session: nav filtered by permission, theme, logout. */
@Component({
  selector: 'cap-shell-layout',
  imports: [AppShell, RouterOutlet],
  template: `
    <cap-app-shell
      [navItems]="nav()"
      [userName]="session.user()?.Username ?? ''"
      [roleLabel]="roleLabel()"
      [theme]="theme.choice()"
      (themeChange)="setTheme($event)"
      (logout)="logout()"
    >
      <router-outlet />
    </cap-app-shell>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShellLayout {
  protected readonly session = inject(SessionStore);
  protected readonly theme = inject(ThemeService);
  private readonly toasts = inject(ToastService);

  protected readonly nav = computed<NavItem[]>(() =>
    NAV.filter((item) => !item.anyOf || item.anyOf.some((p) => this.session.can(p))),
  );
  protected readonly roleLabel = computed(() => {
    if (this.session.user()?.Role === UserRole.Administrator) return 'Administrator';
    return this.session.isTeamLeader() ? 'Team leader' : 'Standard user';
  });

  protected setTheme(choice: ShellTheme): void {
    this.theme
      .set(choice)
      .catch((error: unknown) => this.toasts.error(`Could not save the theme: ${errorMessage(error)}`));
  }

  protected logout(): void {
    this.toasts.clear();
    this.session.logout().catch((error: unknown) => this.toasts.error(errorMessage(error)));
  }
}
