import { Injectable } from '@nestjs/common';
import passport from 'passport';
import { Strategy } from 'passport-strategy';
import { AuthenticationMethod } from '@capstan/contracts-api';
import { SettingsService } from '@capstan/server-settings';
import { groupKey, TeamsService, UsersService } from '@capstan/server-users';
import { initialAdminSignIn } from '../sign-in/initial-admin';
import type { SignInResult, SignInStrategy } from '../sign-in/sign-in-strategy';
import { LdapDirectory } from './ldap-directory';
import { LdapUserBind } from './ldap-user-bind';

/**
 * LDAP / Active Directory sign-in (Portainer's method 2): find the user with the reader and bind as them through
 * passport-ldapauth (`LdapUserBind`), list their groups with ldapts (`LdapDirectory`), then make the
 * local account (auto-created when allowed), sync the teams linked to directory groups both ways and the
 * administrator role from the admin groups. User 1 always signs in with the internal password.
 */
@Injectable()
export class LdapStrategy extends Strategy implements SignInStrategy {
  readonly method = AuthenticationMethod.Ldap;
  readonly name = 'ldap';
  readonly context = 'ldap';

  constructor(
    private readonly settings: SettingsService,
    private readonly directory: LdapDirectory,
    private readonly userBind: LdapUserBind,
    private readonly users: UsersService,
    private readonly teams: TeamsService,
  ) {
    super();
    passport.use(this.name, this);
  }

  override authenticate(req: { body: { username?: string; password?: string } }): void {
    this.signIn(req.body.username ?? '', req.body.password ?? '').then(
      (r) => ('user' in r ? this.success(r.user) : this.fail({ message: r.refused }, 401)),
      (e: unknown) => this.error(e instanceof Error ? e : new Error(String(e))),
    );
  }

  /** The signed-in user, or why not (for the authentication log); a directory that fails throws. */
  async signIn(username: string, password: string): Promise<SignInResult> {
    if (username === '' || password === '') return { refused: 'empty user name or password' };
    const breakGlass = await initialAdminSignIn(this.users, username, password);
    if (breakGlass) return breakGlass;
    const settings = await this.settings.ldapSettings();
    const bound = await this.userBind.bind(settings, username, password);
    if ('refusedBy' in bound) {
      // Why, for the log: a refused reader is the directory's fault (503); else an unknown user or a wrong password.
      const check = await this.directory.open(settings, bound.refusedBy);
      try {
        const found = await check.findUser(username);
        return { refused: found ? 'wrong password' : 'user not found in the directory' };
      } finally {
        await check.close();
      }
    }
    const user = await this.users.ensureExternal(username, settings.AutoCreateUsers);
    if (!user) return { refused: 'no local account and auto-create is off' };
    const session = await this.directory.open(settings, bound.url);
    try {
      const groups = (await session.groupsOf(bound.dn)).flatMap((g) => [g.dn, g.name]);
      const mine = new Set(groups.map(groupKey));
      const synced = await this.teams.syncLinkedTeams({
        userId: user.id,
        source: 'ldap',
        groups,
        admin: settings.AdminAutoPopulate
          ? settings.AdminGroups.some((g) => mine.has(groupKey(g)))
          : undefined,
      });
      return { user: { ...user, role: synced.role } };
    } finally {
      await session.close();
    }
  }
}
