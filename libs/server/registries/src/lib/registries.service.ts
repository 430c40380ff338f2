import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Permission, UserRole } from '@capstan/contracts-api';
import {
  AUTOCOMMIT,
  BadRequestError,
  ClockPort,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  SecretBox,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { EnvironmentsService } from '@capstan/server-environments';
import type { EnvironmentAccess } from '@capstan/server-rbac';
import { TeamsService, UsersService } from '@capstan/server-users';
import type {
  CreateRegistryDto,
  RegistryAccessDto,
  RegistryPingResponse,
  RegistryResponse,
  UpdateRegistryDto,
} from './dto/registries.dto';
import { RegistryEntity, type RegistryAccessRow, type RegistryOptions } from './entities/registry.entity';
import {
  DOCKER_HUB_ADDRESS,
  REGISTRY_TYPE_NAMES,
  RegistryType,
  encodeRegistryAuth,
  registryIdOf,
  splitImageHost,
  type DockerAuthConfig,
} from './registry-types';
import { EcrTokenPort, RegistryLoginPort } from './registry-login.port';
import type { BrowseTarget } from './registry-browser';

const NOT_FOUND = 'Unable to find a registry with the specified identifier inside the database';
/** An ECR token is renewed this long before it expires. */
const ECR_MARGIN_MS = 5 * 60_000;

/** The registry's entity as Portainer's JSON; `full` for administrators (username and accesses). */
export function toRegistryResponse(r: RegistryEntity, full: boolean): RegistryResponse {
  return {
    Id: r.id,
    Name: r.name,
    Type: r.type,
    URL: r.url,
    BaseURL: r.baseUrl,
    Authentication: r.authentication,
    Username: full ? r.username : '',
    ...r.options,
    RegistryAccesses: full ? r.accesses : {},
    AccessTokenExpiry: full ? Math.floor(r.accessTokenExpiry / 1000) : 0,
  };
}

/** `https://Host:5000/x/` → `host:5000/x` (what Docker calls the registry). */
export function normaliseUrl(url: string): string {
  const bare = url.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  const slash = bare.indexOf('/');
  return slash < 0 ? bare.toLowerCase() : bare.slice(0, slash).toLowerCase() + bare.slice(slash);
}

/**
 * Registries: stored credentials (sealed), who may use them on which environment, and the credentials handed to
 * Docker for a pull, push or service update — resolved here, never sent to the browser.
 */
@Injectable()
export class RegistriesService {
  constructor(
    @InjectRepository(RegistryEntity) private readonly registries: Repository<RegistryEntity>,
    private readonly environments: EnvironmentsService,
    private readonly users: UsersService,
    private readonly teams: TeamsService,
    private readonly box: SecretBox,
    private readonly login: RegistryLoginPort,
    private readonly ecr: EcrTokenPort,
    private readonly clock: ClockPort,
  ) {}

  async list(): Promise<RegistryResponse[]> {
    const rows = await this.registries.find({ order: { id: 'ASC' } });
    return rows.map((r) => toRegistryResponse(r, true));
  }

  async create(dto: CreateRegistryDto): Promise<RegistryResponse> {
    const entity = this.blank(dto);
    this.apply(entity, dto, true);
    await this.checkUnique(entity);
    return toRegistryResponse(await this.registries.save(entity, AUTOCOMMIT), true);
  }

  async inspect(
    actor: AuthenticatedUser,
    id: number,
    endpointId: number | undefined,
  ): Promise<RegistryResponse> {
    const r = await this.get(id);
    if (actor.role === UserRole.Administrator) return toRegistryResponse(r, true);
    if (endpointId === undefined)
      throw new ForbiddenError('Access denied to resource', 'Non-administrators must give endpointId');
    const { access } = await this.environments.accessFor(actor, endpointId);
    if (!this.mayUse(r, endpointId, access)) throw this.notFound(id);
    return toRegistryResponse(r, false);
  }

  async update(id: number, dto: UpdateRegistryDto): Promise<RegistryResponse> {
    const r = await this.get(id);
    if (dto.Name !== undefined) r.name = dto.Name.trim();
    this.apply(r, dto, false);
    if (dto.RegistryAccesses !== undefined) {
      for (const [envKey, access] of Object.entries(dto.RegistryAccesses)) {
        const envId = envIdOf(envKey);
        if (!(await this.environments.exists(envId)))
          throw new BadRequestError('Invalid RegistryAccesses', `No environment ${envId}`);
        r.accesses[String(envId)] = await this.accessRow(access);
      }
    }
    await this.checkUnique(r);
    return toRegistryResponse(await this.registries.save(r, AUTOCOMMIT), true);
  }

  async delete(id: number): Promise<void> {
    const r = await this.get(id);
    await this.registries.delete({ id: r.id });
  }

  /**
   * `GET /api/endpoints/{id}/registries`: every registry for administrators and for roles that manage the whole
   * environment (with its accesses); for others only the registries they may use there, without credentials.
   */
  async forEnvironment(actor: AuthenticatedUser, envId: number): Promise<RegistryResponse[]> {
    const { access } = await this.environments.accessFor(actor, envId);
    const rows = await this.registries.find({ order: { id: 'ASC' } });
    if (actor.role === UserRole.Administrator) return rows.map((r) => toRegistryResponse(r, true));
    return rows.filter((r) => this.mayUse(r, envId, access)).map((r) => toRegistryResponse(r, false));
  }

  /** `PUT /api/endpoints/{id}/registries/{registryId}`: who may use a registry on this environment. */
  async setAccess(
    actor: AuthenticatedUser,
    envId: number,
    registryId: number,
    body: RegistryAccessDto,
  ): Promise<RegistryResponse> {
    const { access } = await this.environments.accessFor(actor, envId);
    if (!access.administrator && !access.can(Permission.EnvironmentSettings))
      throw new ForbiddenError(
        'Access denied to resource',
        'Changing registry access needs environment settings',
      );
    const r = await this.get(registryId);
    r.accesses[String(envId)] = await this.accessRow(body);
    return toRegistryResponse(
      await this.registries.save(r, AUTOCOMMIT),
      actor.role === UserRole.Administrator,
    );
  }

  /**
   * Docker's credentials for using registry `registryId` on environment `envId` as `actor` — the facade other
   * modules (Docker proxy, stacks) use. 404 when the registry is unknown or the actor may not use it there;
   * `{}` (anonymous) for a registry without authentication.
   */
  async credentialsFor(
    actor: AuthenticatedUser,
    envId: number,
    registryId: number,
  ): Promise<DockerAuthConfig | Record<string, never>> {
    const r = await this.get(registryId);
    const { access } = await this.environments.accessFor(actor, envId);
    if (!this.mayUse(r, envId, access)) throw this.notFound(registryId);
    return this.authOf(r);
  }

  /** 404 unless `actor` may use registry `registryId` on `envId` (before storing a reference to it). */
  async assertUsable(actor: AuthenticatedUser, envId: number, registryId: number): Promise<void> {
    const r = await this.get(registryId);
    const { access } = await this.environments.accessFor(actor, envId);
    if (!this.mayUse(r, envId, access)) throw this.notFound(registryId);
  }

  /**
   * The server's own use (webhook triggers, scheduled checks), already authorised by its caller; `undefined`
   * when the registry no longer exists.
   */
  async credentialsForServer(
    registryId: number,
  ): Promise<DockerAuthConfig | Record<string, never> | undefined> {
    const r = await this.registries.findOneBy({ id: registryId });
    return r ? this.authOf(r) : undefined;
  }

  /**
   * `X-Registry-Auth` as the engine must get it: a header naming a stored registry (`{"registryId":N}`) is
   * replaced by that registry's credentials after the access check; real credentials pass through unchanged.
   */
  async resolveRegistryAuthHeader(actor: AuthenticatedUser, envId: number, header: string): Promise<string> {
    return (await this.resolveRegistryAuth(actor, envId, header)).header;
  }

  /** `resolveRegistryAuthHeader` with the stored registry's name, to word the engine's refusal. */
  async resolveRegistryAuth(
    actor: AuthenticatedUser,
    envId: number,
    header: string,
  ): Promise<{ header: string; registry?: string }> {
    const id = registryIdOf(header);
    if (id === undefined) return { header };
    if (id === 0) return { header: encodeRegistryAuth({}) };
    const r = await this.get(id);
    const { access } = await this.environments.accessFor(actor, envId);
    if (!this.mayUse(r, envId, access)) throw this.notFound(id);
    return { header: encodeRegistryAuth(await this.authOf(r)), registry: r.name };
  }

  /** Where and as whom to browse a stored registry (administrators' registry browser). */
  async browseTarget(id: number): Promise<BrowseTarget> {
    const r = await this.get(id);
    const auth = await this.authOf(r);
    return {
      name: r.name,
      address: r.type === RegistryType.DockerHub ? 'registry-1.docker.io' : r.url,
      credentials: 'username' in auth ? { username: auth.username, password: auth.password } : {},
    };
  }

  /**
   * Where to ask a registry host for digests (update detection): a stored registry for that host (one with
   * credentials first), else anonymous. Only digests leave this, never the credentials.
   */
  async forHost(host: string): Promise<BrowseTarget> {
    const rows = await this.registries.find({ order: { id: 'ASC' } });
    const matching = rows.filter((r) => hostMatches(r, host));
    const best = matching.find((r) => r.authentication) ?? matching[0];
    if (best) return this.browseTarget(best.id);
    return {
      name: host,
      address: host === DOCKER_HUB_ADDRESS ? 'registry-1.docker.io' : host,
      credentials: {},
    };
  }

  /**
   * The stored registry an image reference comes from (by host; Docker Hub for unqualified names) that `actor`
   * may use on `envId` — one with credentials first — with `X-Registry-Auth` for it; anonymous when none.
   */
  async authForImage(
    actor: AuthenticatedUser,
    envId: number,
    image: string,
  ): Promise<{ header: string; registry?: string; registryId?: number }> {
    const host = splitImageHost(image).host;
    const { access } = await this.environments.accessFor(actor, envId);
    const rows = await this.registries.find({ order: { id: 'ASC' } });
    const usable = rows.filter((r) => hostMatches(r, host) && this.mayUse(r, envId, access));
    const best = usable.find((r) => r.authentication) ?? usable[0];
    if (!best) return { header: encodeRegistryAuth({}) };
    return { header: encodeRegistryAuth(await this.authOf(best)), registry: best.name, registryId: best.id };
  }

  /**
   * Which registries images come from, as `actor` may see them on `envId`: host → `{Id, Name}` (the first
   * usable stored registry of each host) for the hosts given.
   */
  async registriesForHosts(
    actor: AuthenticatedUser,
    envId: number,
    hosts: readonly string[],
  ): Promise<Map<string, { Id: number; Name: string }>> {
    const { access } = await this.environments.accessFor(actor, envId);
    const rows = (await this.registries.find({ order: { id: 'ASC' } })).filter((r) =>
      this.mayUse(r, envId, access),
    );
    const out = new Map<string, { Id: number; Name: string }>();
    for (const host of new Set(hosts)) {
      const r = rows.find((row) => hostMatches(row, host));
      if (r) out.set(host, { Id: r.id, Name: r.name });
    }
    return out;
  }

  /** The Docker Hub account to ask for a pull quota (0: anonymous); the actor must be able to use it there. */
  async dockerHubTarget(actor: AuthenticatedUser, envId: number, registryId: number): Promise<BrowseTarget> {
    if (registryId === 0) {
      await this.environments.accessFor(actor, envId);
      return { name: 'Docker Hub', address: 'registry-1.docker.io', credentials: {} };
    }
    await this.assertUsable(actor, envId, registryId);
    const r = await this.get(registryId);
    if (r.type !== RegistryType.DockerHub)
      throw new BadRequestError('Not a Docker Hub registry', `Registry ${registryId} is of type ${r.type}`);
    return this.browseTarget(registryId);
  }

  /** A real login with the given (or stored) credentials: "test connection". */
  async ping(dto: CreateRegistryDto, storedId?: number): Promise<RegistryPingResponse> {
    const probe = this.blank(dto);
    if (storedId !== undefined) {
      const stored = await this.get(storedId);
      probe.passwordSealed = stored.passwordSealed;
    }
    this.apply(probe, dto, storedId === undefined);
    const auth = await this.authOf(probe);
    const result = await this.login.login(
      probe.type === RegistryType.DockerHub ? 'registry-1.docker.io' : probe.url,
      'username' in auth ? auth.username : '',
      'password' in auth ? auth.password : '',
    );
    return { Ok: result.ok, Message: result.message };
  }

  /** Whether `access` (the actor's on `envId`) lets them use `r` there. */
  mayUse(r: RegistryEntity, envId: number, access: EnvironmentAccess): boolean {
    if (access.administrator || access.managesEveryResource) return true;
    const row = r.accesses[String(envId)];
    if (!row) return false;
    if (String(access.principal.id) in row.UserAccessPolicies) return true;
    return access.teamIds.some((t) => String(t) in row.TeamAccessPolicies);
  }

  private async authOf(r: RegistryEntity): Promise<DockerAuthConfig | Record<string, never>> {
    const serveraddress = r.type === RegistryType.DockerHub ? DOCKER_HUB_ADDRESS : r.url;
    if (r.type === RegistryType.Ecr) return this.ecrAuth(r, serveraddress);
    if (!r.authentication) return {};
    return { username: r.username, password: this.secret(r), serveraddress };
  }

  /** ECR: the keys are exchanged for a token, kept sealed until shortly before it expires. */
  private async ecrAuth(r: RegistryEntity, serveraddress: string): Promise<DockerAuthConfig> {
    const now = this.clock.now();
    if (r.accessTokenSealed && r.accessTokenExpiry - ECR_MARGIN_MS > now) {
      return { username: 'AWS', password: this.box.open(r.accessTokenSealed), serveraddress };
    }
    let token;
    try {
      token = await this.ecr.token(r.options.Ecr?.Region ?? '', r.username, this.secret(r));
    } catch (e) {
      throw new BadRequestError(
        `Registry "${r.name}" refused the credentials`,
        `ECR token exchange failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (r.id !== undefined) {
      await this.registries.update(
        { id: r.id },
        { accessTokenSealed: this.box.seal(token.password), accessTokenExpiry: token.expiresAt },
      );
      r.accessTokenSealed = this.box.seal(token.password);
      r.accessTokenExpiry = token.expiresAt;
    }
    return { username: token.username, password: token.password, serveraddress };
  }

  private secret(r: RegistryEntity): string {
    return r.passwordSealed ? this.box.open(r.passwordSealed) : '';
  }

  /** A new registry row of the body's name and type, every other field empty (`apply` fills them). */
  private blank(dto: CreateRegistryDto): RegistryEntity {
    return this.registries.create({
      name: dto.Name.trim(),
      type: dto.Type as RegistryType,
      url: '',
      baseUrl: '',
      authentication: false,
      username: '',
      passwordSealed: null,
      options: {},
      accesses: {},
      accessTokenSealed: null,
      accessTokenExpiry: 0,
    });
  }

  /** Copies and checks the fields of a create or update body onto `r` (rules per type). */
  private apply(r: RegistryEntity, dto: CreateRegistryDto | UpdateRegistryDto, creating: boolean): void {
    if (dto.URL !== undefined) r.url = normaliseUrl(dto.URL);
    if (!r.url && r.type === RegistryType.DockerHub) r.url = DOCKER_HUB_ADDRESS;
    if (!r.url) throw new BadRequestError('Invalid request payload', 'URL is required');
    if (dto.BaseURL !== undefined) r.baseUrl = dto.BaseURL;
    if (dto.Username !== undefined) r.username = dto.Username;
    const credentialsChanged =
      dto.Username !== undefined || dto.URL !== undefined || dto.Password !== undefined;
    if (dto.Password !== undefined && dto.Password !== '') r.passwordSealed = this.box.seal(dto.Password);
    if (dto.Authentication !== undefined) r.authentication = dto.Authentication;
    // ECR always signs in (its keys are exchanged for a token).
    if (r.type === RegistryType.Ecr) r.authentication = true;
    if (!r.authentication) {
      r.username = '';
      r.passwordSealed = null;
    }
    if (credentialsChanged) {
      r.accessTokenSealed = null;
      r.accessTokenExpiry = 0;
    }
    const options: RegistryOptions = { ...r.options };
    if (dto.Gitlab !== undefined) options.Gitlab = dto.Gitlab;
    if (dto.Quay !== undefined)
      options.Quay = {
        UseOrganisation: dto.Quay.UseOrganisation,
        OrganisationName: dto.Quay.OrganisationName ?? '',
      };
    if (dto.Github !== undefined)
      options.Github = {
        UseOrganisation: dto.Github.UseOrganisation,
        OrganisationName: dto.Github.OrganisationName ?? '',
      };
    if (dto.Ecr !== undefined) options.Ecr = { Region: dto.Ecr.Region };
    r.options = options;
    const type = r.type;
    const kind = REGISTRY_TYPE_NAMES[type];
    if (type === RegistryType.Ecr) {
      if (!options.Ecr?.Region)
        throw new BadRequestError('Invalid request payload', 'Ecr.Region is required for ECR');
    }
    if (type === RegistryType.Quay && options.Quay?.UseOrganisation && !options.Quay.OrganisationName)
      throw new BadRequestError(
        'Invalid request payload',
        'Quay.OrganisationName is required with UseOrganisation',
      );
    if (type === RegistryType.GitHub && options.Github?.UseOrganisation && !options.Github.OrganisationName)
      throw new BadRequestError(
        'Invalid request payload',
        'Github.OrganisationName is required with UseOrganisation',
      );
    if (type === RegistryType.ProGet && !r.baseUrl)
      throw new BadRequestError('Invalid request payload', 'BaseURL is required for ProGet');
    if (r.authentication) {
      if (!r.username)
        throw new BadRequestError(
          'Invalid request payload',
          `Username is required for ${kind} with authentication`,
        );
      if (!r.passwordSealed)
        throw new BadRequestError(
          'Invalid request payload',
          creating ? `Password is required for ${kind} with authentication` : 'Password is required',
        );
    }
  }

  /** Name unique; the same URL with the same username only once (Portainer: URL + credentials). */
  private async checkUnique(r: RegistryEntity): Promise<void> {
    const all = await this.registries.find();
    for (const other of all) {
      if (other.id === r.id) continue;
      if (other.name.toLowerCase() === r.name.toLowerCase())
        throw new ConflictError('Another registry with the same name already exists', `Registry ${other.id}`);
      if (other.url === r.url && other.username === r.username && other.authentication === r.authentication)
        throw new ConflictError(
          'Another registry with the same URL and credentials already exists',
          `Registry ${other.id}`,
        );
    }
  }

  private async accessRow(body: RegistryAccessDto): Promise<RegistryAccessRow> {
    const users = policyIds(body.UserAccessPolicies, 'UserAccessPolicies');
    const teams = policyIds(body.TeamAccessPolicies, 'TeamAccessPolicies');
    if ((await this.users.existingIds(users)).length !== users.length)
      throw new BadRequestError('Invalid access policies', 'Unknown user id');
    if ((await this.teams.existingIds(teams)).length !== teams.length)
      throw new BadRequestError('Invalid access policies', 'Unknown team id');
    return {
      UserAccessPolicies: Object.fromEntries(users.map((id) => [String(id), { RoleId: 0 }])),
      TeamAccessPolicies: Object.fromEntries(teams.map((id) => [String(id), { RoleId: 0 }])),
      Namespaces: body.Namespaces ?? [],
    };
  }

  private async get(id: number): Promise<RegistryEntity> {
    const r = await this.registries.findOneBy({ id });
    if (!r) throw this.notFound(id);
    return r;
  }

  private notFound(id: number): NotFoundError {
    return new NotFoundError(NOT_FOUND, `No registry ${id}`);
  }
}

function envIdOf(key: string): number {
  const n = /^\d{1,10}$/.test(key) ? Number(key) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 2_147_483_647)
    throw new BadRequestError('Invalid RegistryAccesses', `"${key}" is not an environment id`);
  return n;
}

function policyIds(map: Record<string, unknown> | undefined, field: string): number[] {
  if (map === undefined) return [];
  return Object.entries(map).map(([k, v]) => {
    const n = /^\d{1,10}$/.test(k) ? Number(k) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 2_147_483_647)
      throw new BadRequestError('Invalid access policies', `${field}: "${k}" is not an id`);
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new BadRequestError('Invalid access policies', `${field}: "${k}" must be an object`);
    return n;
  });
}

/** Whether a stored registry serves `host` (Docker's name for the registry; `docker.io` for Docker Hub). */
function hostMatches(r: RegistryEntity, host: string): boolean {
  return host === DOCKER_HUB_ADDRESS
    ? r.type === RegistryType.DockerHub
    : (r.url.split('/')[0] ?? '') === host;
}
