import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { MembershipRole, UserRole } from '@capstan/contracts-api';
import {
  AuthenticatedUser,
  ClockPort,
  ConflictError,
  BadRequestError,
  ForbiddenError,
  AUTOCOMMIT,
  UnitOfWork,
} from '@capstan/server-core';
import { SettingsService } from '@capstan/server-settings';
import type { CreateUserDto, UpdateUserDto } from './dto/users.dto';
import { UserEntity } from './entities/user.entity';
import { TeamEntity } from './entities/team.entity';
import { TeamMembershipEntity } from './entities/team-membership.entity';
import { toUserView } from './mappers';
import { PasswordHasher } from './password-hasher.port';
import type { UserView } from './user.view';
import { accessDenied, passwordTooShort, userNotFound, usernameTaken } from './users.errors';

/** What authentication needs about a user on every request; cached briefly. */
export interface UserAuthInfo {
  readonly id: number;
  readonly username: string;
  readonly role: UserRole;
  readonly tokenVersion: number;
  readonly isTeamLeader: boolean;
}

/** The first administrator: cannot be deleted or demoted (Portainer's rule for user 1). */
export const INITIAL_ADMIN_ID = 1;
const AUTH_CACHE_TTL_MS = 5_000;

@Injectable()
export class UsersService {
  /**
   * Users as read by the request path (guard, /users/me), kept for AUTH_CACHE_TTL_MS: the hot path then does
   * no database round trip. Local changes invalidate at once; other replicas' within the TTL.
   */
  private readonly authCache = new Map<
    number,
    { user: UserView | undefined; info: UserAuthInfo | undefined; at: number }
  >();
  private adminExistsCache = false;
  private initLock: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(TeamMembershipEntity) private readonly memberships: Repository<TeamMembershipEntity>,
    private readonly hasher: PasswordHasher,
    private readonly settings: SettingsService,
    private readonly clock: ClockPort,
    private readonly uow: UnitOfWork,
  ) {}

  async adminExists(): Promise<boolean> {
    if (this.adminExistsCache) return true;
    this.adminExistsCache = (await this.users.countBy({ role: UserRole.Administrator })) > 0;
    return this.adminExistsCache;
  }

  /** Creates the first administrator; a concurrent second call gets a conflict, never a second admin. */
  async initAdmin(username: string, password: string): Promise<UserView> {
    await this.checkPasswordLength(password);
    const passwordHash = await this.hasher.hash(password);
    // Serialised in this process: the check and the insert must not interleave with another init.
    const run = this.initLock.then(async () => {
      if (await this.adminExists()) throw new ConflictError('An administrator user already exists', '');
      const user = await this.insertUser(this.users, username, UserRole.Administrator, passwordHash);
      this.adminExistsCache = true;
      return toUserView(user);
    });
    this.initLock = run.catch(() => undefined);
    return run;
  }

  async create(dto: CreateUserDto): Promise<UserView> {
    if (dto.password === undefined) {
      throw new ForbiddenError(
        'Invalid request payload',
        'A password is required with internal authentication',
      );
    }
    await this.checkPasswordLength(dto.password);
    const passwordHash = await this.hasher.hash(dto.password);
    const teamIds = [...new Set(dto.teamIds ?? [])];
    if (teamIds.length === 0)
      return toUserView(await this.insertUser(this.users, dto.username, dto.role, passwordHash));
    // The user and the teams they join are one record: both or neither.
    return toUserView(
      await this.uow.run(async (tx) => {
        const found = await tx.findBy(TeamEntity, { id: In(teamIds) });
        const missing = teamIds.filter((id) => !found.some((t) => t.id === id));
        if (missing.length > 0)
          throw new BadRequestError('Invalid teams', `No team with id ${missing.join(', ')}`);
        const user = await this.insertUser(
          tx.getRepository(UserEntity),
          dto.username,
          dto.role,
          passwordHash,
        );
        await tx.insert(
          TeamMembershipEntity,
          teamIds.map((teamId) => ({ userId: user.id, teamId, role: MembershipRole.Member })),
        );
        return user;
      }),
    );
  }

  async list(actor: AuthenticatedUser): Promise<UserView[]> {
    const rows =
      actor.role === UserRole.Administrator
        ? await this.users.find({ order: { id: 'ASC' } })
        : // Team leaders see the non-admin users (to add them to their teams).
          await this.users.find({ where: { role: UserRole.StandardUser }, order: { id: 'ASC' } });
    return rows.map(toUserView);
  }

  /** The user; 404 when there is none. */
  async get(id: number): Promise<UserView> {
    return toUserView(await this.entity(id));
  }

  async inspect(actor: AuthenticatedUser, id: number): Promise<UserView> {
    if (actor.role !== UserRole.Administrator && actor.id !== id)
      throw accessDenied('You can only inspect your own account');
    return this.get(id);
  }

  async update(actor: AuthenticatedUser, id: number, dto: UpdateUserDto): Promise<UserView> {
    const isAdmin = actor.role === UserRole.Administrator;
    if (!isAdmin && actor.id !== id) throw accessDenied('You can only update your own account');
    const user = await this.entity(id);
    if (dto.role !== undefined && dto.role !== user.role) {
      if (!isAdmin) throw accessDenied('Only administrators can change a role');
      if (id === INITIAL_ADMIN_ID && dto.role !== UserRole.Administrator) {
        throw accessDenied('The initial administrator cannot be demoted');
      }
      user.role = dto.role;
    }
    if (dto.username !== undefined && dto.username !== user.username) {
      if (!isAdmin) throw accessDenied('Only administrators can change a username');
      const other = await this.entityByUsername(dto.username);
      if (other && other.id !== id) throw usernameTaken(dto.username);
      user.username = dto.username;
      user.usernameKey = dto.username.toLowerCase();
    }
    if (dto.newPassword !== undefined) {
      // Administrators may reset someone else's password; everyone needs their current one for their own.
      if (!isAdmin || actor.id === id) await this.checkCurrentPassword(user, dto.password);
      await this.checkPasswordLength(dto.newPassword);
      this.setPassword(user, await this.hasher.hash(dto.newPassword));
    }
    if (dto.theme !== undefined) user.theme = dto.theme.color;
    if (dto.useCache !== undefined) user.useCache = dto.useCache;
    const saved = await this.users.save(user, AUTOCOMMIT);
    this.authCache.delete(id);
    return toUserView(saved);
  }

  async changePassword(actor: AuthenticatedUser, id: number, current: string, next: string): Promise<void> {
    if (actor.id !== id) throw accessDenied('You can only change your own password');
    const user = await this.entity(id);
    await this.checkCurrentPassword(user, current);
    await this.checkPasswordLength(next);
    this.setPassword(user, await this.hasher.hash(next));
    await this.users.save(user, AUTOCOMMIT);
    this.authCache.delete(id);
  }

  async delete(actor: AuthenticatedUser, id: number): Promise<void> {
    if (id === actor.id) throw accessDenied('You cannot delete your own account');
    if (id === INITIAL_ADMIN_ID) throw accessDenied('The initial administrator account cannot be deleted');
    const user = await this.entity(id);
    await this.users.remove(user, AUTOCOMMIT);
    this.authCache.delete(id);
  }

  /** Verifies a username/password pair for internal authentication; constant work for unknown users. */
  async verifyCredentials(username: string, password: string): Promise<UserView | undefined> {
    const user = await this.entityByUsername(username);
    const ok = await this.hasher.verify(user?.passwordHash ?? DUMMY_HASH, password);
    return user && user.passwordHash && ok ? toUserView(user) : undefined;
  }

  /** A user by name (case-insensitive), for directory and provider sign-in; undefined when unknown. */
  async findByUsername(username: string): Promise<UserView | undefined> {
    const user = await this.entityByUsername(username);
    return user ? toUserView(user) : undefined;
  }

  /**
   * The local account of a user an identity source (LDAP, OAuth) vouched for: the existing one, or a new standard
   * user without a password when `autoCreate`; undefined otherwise. A concurrent creation of the same name wins.
   */
  async ensureExternal(username: string, autoCreate: boolean): Promise<UserView | undefined> {
    const found = await this.entityByUsername(username);
    if (found) return toUserView(found);
    if (!autoCreate || username.trim() === '' || /\s/.test(username)) return undefined;
    try {
      return toUserView(await this.insertUser(this.users, username, UserRole.StandardUser, null));
    } catch (e) {
      const raced = await this.entityByUsername(username);
      if (raced) return toUserView(raced);
      throw e;
    }
  }

  /** Whether `password` is user `id`'s own (false for users without one); 404 when there is no such user. */
  async verifyPassword(id: number, password: string): Promise<boolean> {
    return this.passwordMatches(await this.entity(id), password);
  }

  /** Cached view used by the request guard (role, token version, leadership). */
  async authInfo(id: number): Promise<UserAuthInfo | undefined> {
    return (await this.cached(id)).info;
  }

  /** The user as of at most AUTH_CACHE_TTL_MS ago (e.g. for /users/me); a copy, safe to change. */
  async getCached(id: number): Promise<UserView> {
    const user = (await this.cached(id)).user;
    if (!user) throw userNotFound(id);
    return { ...user };
  }

  private async cached(id: number): Promise<{ user: UserView | undefined; info: UserAuthInfo | undefined }> {
    const now = this.clock.now();
    const hit = this.authCache.get(id);
    if (hit && now - hit.at < AUTH_CACHE_TTL_MS) return hit;
    const row = await this.users.findOneBy({ id });
    const user = row ? toUserView(row) : undefined;
    const info = user
      ? {
          id: user.id,
          username: user.username,
          role: user.role,
          tokenVersion: user.tokenVersion,
          isTeamLeader: (await this.memberships.countBy({ userId: id, role: MembershipRole.Leader })) > 0,
        }
      : undefined;
    if (this.authCache.size > 10_000) this.authCache.clear();
    const entry = { user, info, at: now };
    this.authCache.set(id, entry);
    return entry;
  }

  /** Drops cached auth info (after membership changes). */
  invalidate(userId?: number): void {
    if (userId === undefined) this.authCache.clear();
    else this.authCache.delete(userId);
  }

  async existingIds(ids: readonly number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    return (await this.users.find({ where: { id: In([...ids]) }, select: { id: true } })).map((u) => u.id);
  }

  /** User ids by exact username (names in access-control labels); unknown names are left out. */
  async idsByUsername(names: readonly string[]): Promise<Map<string, number>> {
    if (names.length === 0) return new Map();
    const rows = await this.users.find({
      where: { username: In([...names]) },
      select: { id: true, username: true },
    });
    return new Map(rows.map((u) => [u.username, u.id]));
  }

  private async entity(id: number): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw userNotFound(id);
    return user;
  }

  private async entityByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ usernameKey: username.toLowerCase() });
  }

  private async passwordMatches(user: UserEntity, password: string): Promise<boolean> {
    return user.passwordHash !== null && (await this.hasher.verify(user.passwordHash, password));
  }

  private async insertUser(
    repo: Repository<UserEntity>,
    username: string,
    role: UserRole,
    passwordHash: string | null,
  ): Promise<UserEntity> {
    if (await repo.findOneBy({ usernameKey: username.toLowerCase() })) throw usernameTaken(username);
    try {
      return await repo.save(
        repo.create({
          username,
          usernameKey: username.toLowerCase(),
          role,
          passwordHash,
          tokenVersion: 0,
          tokenIssueAt: Math.floor(this.clock.now() / 1000),
          theme: '',
          useCache: true,
          createdAt: this.clock.now(),
        }),
        AUTOCOMMIT,
      );
    } catch (e) {
      // Lost a race with a concurrent create of the same name.
      if (e instanceof Error && /UNIQUE|duplicate key/i.test(e.message)) throw usernameTaken(username);
      throw e;
    }
  }

  private setPassword(user: UserEntity, hash: string): void {
    user.passwordHash = hash;
    user.tokenVersion += 1;
    user.tokenIssueAt = Math.floor(this.clock.now() / 1000);
  }

  private async checkCurrentPassword(user: UserEntity, current: string | undefined): Promise<void> {
    if (current === undefined || !(await this.passwordMatches(user, current))) {
      throw new ForbiddenError('Current password does not match', 'Give your current password to change it');
    }
  }

  async checkPasswordLength(password: string): Promise<void> {
    const min = await this.settings.requiredPasswordLength();
    if (password.length < min) throw passwordTooShort(min);
  }
}

/** A valid argon2id hash of a random string, verified against when the username is unknown. */
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$V+hYdzUlOOgsl6GmsFIPkw$edtxQkeoBW2Zwjv+qyi0o/r8I874JPbAsPHR9btL7No';
