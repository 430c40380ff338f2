import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Repository } from 'typeorm';
import {
  CustomTemplateType,
  ResourceControlType,
  UserRole,
  type ResourceControlBody,
  type TemplateVariable,
} from '@capstan/contracts-api';
import {
  BadRequestError,
  CAPSTAN_CONFIG,
  ClockPort,
  ForbiddenError,
  NotFoundError,
  setActivityTarget,
  UnitOfWork,
  type AuthenticatedUser,
  type CapstanConfig,
} from '@capstan/server-core';
import { controlGrants } from '@capstan/server-rbac';
import { ResourceControlsService } from '@capstan/server-resource-controls';
import { TeamsService } from '@capstan/server-users';
import { GitService, gitConfigView, type GitSourceRequest, type StoredGitConfig } from '@capstan/server-git';
import { MAX_TEMPLATE_CONTENT_BYTES, type CustomTemplateInput } from './custom-template.input';
import { CustomTemplateEntity } from './entities/custom-template.entity';

/** Portainer's entry point for every custom template file. */
export const ENTRY_POINT = 'docker-compose.yml';

/** `GET /api/custom_templates/{id}` (Portainer's field names). */
export interface CustomTemplateView {
  Id: number;
  Title: string;
  Description: string;
  Note: string;
  Logo: string;
  Platform: number;
  Type: number;
  ProjectPath: string;
  EntryPoint: string;
  CreatedByUserId: number;
  Variables: TemplateVariable[];
  EdgeTemplate: boolean;
  IsComposeFormat: boolean;
  /** Portainer's GitConfig for templates made from a repository (username only), else null. */
  GitConfig: unknown;
  ResourceControl: ResourceControlBody | null;
}

export interface ListFilter {
  types?: CustomTemplateType[];
  edge?: boolean;
}

const NOT_FOUND = 'Unable to find a custom template with the specified identifier inside the database';

/**
 * Custom templates: a compose file (or manifest) with `{{ name }}` variables, owned like Portainer's — a private
 * resource control (type 8, no environment) for the creator; administrators see and change every one.
 */
@Injectable()
export class CustomTemplatesService {
  private readonly root: string;

  constructor(
    @InjectRepository(CustomTemplateEntity) private readonly repo: Repository<CustomTemplateEntity>,
    private readonly uow: UnitOfWork,
    private readonly controls: ResourceControlsService,
    private readonly teams: TeamsService,
    private readonly clock: ClockPort,
    private readonly git: GitService,
    @Inject(CAPSTAN_CONFIG) config: CapstanConfig,
  ) {
    this.root = join(config.dataDir, 'custom_templates');
  }

  /**
   * `POST /api/custom_templates/create/repository`: the file is read from the repository first (git failures are
   * 400s with nothing stored), then the template is created like one from text, with its GitConfig.
   */
  async createFromGit(
    actor: AuthenticatedUser,
    source: GitSourceRequest,
    input: (fileContent: string) => CustomTemplateInput,
  ): Promise<CustomTemplateView> {
    const file = await this.git.readFileAt(source.remote, source.reference, source.path);
    return this.create(actor, input(file.content), this.git.storedConfig(source, file.commit));
  }

  /** `PUT /api/custom_templates/{id}/git_fetch`: the file again from the repository (its reference's head now). */
  async gitFetch(actor: AuthenticatedUser, id: number): Promise<{ FileContent: string }> {
    const { row } = await this.changeable(actor, id);
    if (!row.gitConfig)
      throw new BadRequestError('The template is not from a git repository', `Custom template ${id}`);
    setActivityTarget(`custom template ${row.title}`);
    const config = JSON.parse(row.gitConfig) as StoredGitConfig;
    const file = await this.git.readFileAt(
      this.git.remoteOf(config),
      config.ReferenceName,
      config.ConfigFilePath,
    );
    if (Buffer.byteLength(file.content) > MAX_TEMPLATE_CONTENT_BYTES)
      throw new BadRequestError(
        'Invalid request payload',
        `The file is larger than ${MAX_TEMPLATE_CONTENT_BYTES} bytes`,
      );
    const path = join(this.dir(row.id), row.entryPoint);
    await writeFile(`${path}.next`, file.content, { mode: 0o600 });
    try {
      await this.uow.run(async (tx) => {
        await tx.update(
          CustomTemplateEntity,
          { id: row.id },
          { gitConfig: JSON.stringify({ ...config, ConfigHash: file.commit }) },
        );
        await rename(`${path}.next`, path);
      });
    } finally {
      await rm(`${path}.next`, { force: true });
    }
    return { FileContent: file.content };
  }

  async create(
    actor: AuthenticatedUser,
    input: CustomTemplateInput,
    gitConfig?: StoredGitConfig,
  ): Promise<CustomTemplateView> {
    setActivityTarget(`custom template ${input.Title}`);
    // The file is written before the row exists (under a temporary name) and moved into place inside the unit
    // of work: a failure at any step leaves neither a row without its file nor a file without its row.
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const staging = join(
      this.root,
      `.new-${process.pid}-${this.clock.now()}-${Math.random().toString(36).slice(2)}`,
    );
    await mkdir(staging, { mode: 0o700 });
    try {
      await writeFile(join(staging, ENTRY_POINT), input.FileContent, { mode: 0o600 });
      const saved = await this.uow.run(async (tx) => {
        const row = await tx.save(
          tx.create(CustomTemplateEntity, {
            ...columns(input),
            entryPoint: ENTRY_POINT,
            gitConfig: gitConfig ? JSON.stringify(gitConfig) : null,
            createdBy: actor.id,
            createdAt: this.clock.now(),
          }),
        );
        await rm(this.dir(row.id), { recursive: true, force: true }); // left by a deleted row's crash
        await rename(staging, this.dir(row.id));
        return row;
      });
      const rc = await this.controls.createPrivate(
        null,
        ResourceControlType.CustomTemplate,
        String(saved.id),
        actor.id,
      );
      return this.view(saved, rc);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  async list(actor: AuthenticatedUser, filter: ListFilter): Promise<CustomTemplateView[]> {
    const rows = await this.repo.find({ order: { id: 'ASC' } });
    const wanted = rows.filter(
      (t) =>
        (!filter.types || filter.types.length === 0 || filter.types.includes(t.templateType)) &&
        (filter.edge === undefined || t.edgeTemplate === filter.edge),
    );
    const controls = await this.controls.globalControls(
      ResourceControlType.CustomTemplate,
      wanted.map((t) => String(t.id)),
    );
    const teamIds = actor.role === UserRole.Administrator ? [] : await this.teams.teamIdsOf(actor.id);
    return wanted
      .filter((t) => this.sees(actor, teamIds, t, controls.get(String(t.id))))
      .map((t) => this.view(t, controls.get(String(t.id))));
  }

  async inspect(actor: AuthenticatedUser, id: number): Promise<CustomTemplateView> {
    const { row, rc } = await this.visible(actor, id);
    return this.view(row, rc);
  }

  async file(actor: AuthenticatedUser, id: number): Promise<{ FileContent: string }> {
    const { row } = await this.visible(actor, id);
    return { FileContent: await readFile(join(this.dir(row.id), row.entryPoint), 'utf8') };
  }

  async update(
    actor: AuthenticatedUser,
    id: number,
    input: CustomTemplateInput,
  ): Promise<CustomTemplateView> {
    const { row, rc } = await this.changeable(actor, id);
    setActivityTarget(`custom template ${row.title}`);
    const file = join(this.dir(row.id), row.entryPoint);
    const next = `${file}.next`;
    await writeFile(next, input.FileContent, { mode: 0o600 });
    try {
      // The row changes only once the new file is complete; the rename replaces the old file in one step.
      const saved = await this.uow.run(async (tx) => {
        const changed: CustomTemplateEntity = { ...row, ...columns(input) };
        await tx.update(CustomTemplateEntity, { id: row.id }, columns(input));
        await rename(next, file);
        return changed;
      });
      return this.view(saved, rc);
    } finally {
      await rm(next, { force: true });
    }
  }

  async delete(actor: AuthenticatedUser, id: number): Promise<void> {
    const { row } = await this.changeable(actor, id);
    setActivityTarget(`custom template ${row.title}`);
    await this.repo.delete({ id: row.id });
    await this.controls.deleteFor(null, ResourceControlType.CustomTemplate, String(row.id));
    await rm(this.dir(row.id), { recursive: true, force: true });
  }

  private dir(id: number): string {
    return join(this.root, String(id));
  }

  private sees(
    actor: AuthenticatedUser,
    teamIds: readonly number[],
    row: CustomTemplateEntity,
    rc: ResourceControlBody | undefined,
  ): boolean {
    if (actor.role === UserRole.Administrator) return true;
    // No control (created before controls, or its control removed): only its creator.
    if (!rc) return row.createdBy === actor.id;
    return controlGrants(rc, actor.id, teamIds);
  }

  private async visible(
    actor: AuthenticatedUser,
    id: number,
  ): Promise<{ row: CustomTemplateEntity; rc: ResourceControlBody | undefined }> {
    const row = await this.repo.findOneBy({ id });
    if (!row) throw new NotFoundError(NOT_FOUND, `No custom template ${id}`);
    const rc = (await this.controls.globalControls(ResourceControlType.CustomTemplate, [String(id)])).get(
      String(id),
    );
    const teamIds = actor.role === UserRole.Administrator ? [] : await this.teams.teamIdsOf(actor.id);
    // A template the caller may not see answers like one that does not exist.
    if (!this.sees(actor, teamIds, row, rc)) throw new NotFoundError(NOT_FOUND, `No custom template ${id}`);
    return { row, rc };
  }

  /** Administrators, or the template's creator (Portainer: the owner; shared users may use it, not change it). */
  private async changeable(
    actor: AuthenticatedUser,
    id: number,
  ): Promise<{ row: CustomTemplateEntity; rc: ResourceControlBody | undefined }> {
    const found = await this.visible(actor, id);
    if (actor.role !== UserRole.Administrator && found.row.createdBy !== actor.id)
      throw new ForbiddenError(
        'Access denied to resource',
        'Only its creator or an administrator can change a custom template',
      );
    return found;
  }

  private view(row: CustomTemplateEntity, rc: ResourceControlBody | undefined): CustomTemplateView {
    return {
      Id: row.id,
      Title: row.title,
      Description: row.description,
      Note: row.note,
      Logo: row.logo,
      Platform: row.platform,
      Type: row.templateType,
      ProjectPath: this.dir(row.id),
      EntryPoint: row.entryPoint,
      CreatedByUserId: row.createdBy,
      Variables: JSON.parse(row.variables) as TemplateVariable[],
      EdgeTemplate: row.edgeTemplate,
      IsComposeFormat: row.isComposeFormat,
      GitConfig: gitConfigView(row.gitConfig),
      ResourceControl: rc ?? null,
    };
  }
}

function columns(input: CustomTemplateInput): Partial<CustomTemplateEntity> {
  return {
    title: input.Title,
    description: input.Description,
    note: input.Note,
    logo: input.Logo,
    platform: input.Platform,
    templateType: input.Type,
    variables: JSON.stringify(input.Variables),
    edgeTemplate: input.EdgeTemplate,
    isComposeFormat: input.IsComposeFormat,
  };
}
