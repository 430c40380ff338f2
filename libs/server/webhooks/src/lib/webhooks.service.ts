import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { Repository } from 'typeorm';
import { Permission, ResourceControlType, UserRole } from '@capstan/contracts-api';
import {
  AUTOCOMMIT,
  BadGatewayError,
  BadRequestError,
  ClockPort,
  ConflictError,
  NotFoundError,
  TooManyRequestsError,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { EnvironmentsService, type EngineConnection } from '@capstan/server-environments';
import { AccessService } from '@capstan/server-rbac';
import { RegistriesService, encodeRegistryAuth } from '@capstan/server-registries';
import { ResourceControlsService } from '@capstan/server-resource-controls';
import { SERVICE_WEBHOOK, type WebhookResponse } from './dto/webhooks.dto';
import { WebhookEntity } from './entities/webhook.entity';
import { ServiceEnginePort, type ServiceInspect } from './service-engine.port';
import { WindowCounter } from './webhook-throttle';

const ENGINE_TIMEOUT_MS = 15_000;
/** A token is 128 random bits written like a UUID (Portainer's tokens are UUIDs; clients only echo them). */
const TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Docker's tag grammar. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const NOT_FOUND = 'Webhook not found';
const UPDATE_ATTEMPTS = 4;

export function newToken(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function toResponse(w: WebhookEntity): WebhookResponse {
  return {
    Id: w.id,
    Token: w.token,
    ResourceId: w.resourceId,
    EndpointId: w.environmentId,
    RegistryId: w.registryId,
    Type: w.webhookType,
    WebhookType: w.webhookType,
  };
}

/** `repo:tag` for `image` (any tag or digest dropped; the registry host's port kept). */
export function retag(image: string, tag: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const repo = colon > slash ? noDigest.slice(0, colon) : noDigest;
  return `${repo}:${tag}`;
}

/**
 * Service webhooks: who may create, see and delete them, and the public trigger that force-updates the service.
 * Creating needs the right to change the service: administrators and environment administrators
 * (`manage-all`), or a `manage-owned` role on a service the caller may update under its resource control.
 */
@Injectable()
export class WebhooksService {
  /** Unknown or malformed tokens from one address: guessing is pointless at 128 bits, but costs a lookup. */
  private readonly misses = new WindowCounter(20, 60_000);
  /** Triggers of one token: a deploy loop should not turn into a rolling-restart storm. */
  private readonly perToken = new WindowCounter(10, 60_000);
  private readonly running = new Set<number>();

  constructor(
    @InjectRepository(WebhookEntity) private readonly webhooks: Repository<WebhookEntity>,
    private readonly environments: EnvironmentsService,
    private readonly controls: ResourceControlsService,
    private readonly engine: ServiceEnginePort,
    private readonly clock: ClockPort,
    private readonly registries: RegistriesService,
  ) {}

  async create(
    actor: AuthenticatedUser,
    input: { ResourceID: string; EndpointID: number; WebhookType: number; RegistryID?: number },
  ): Promise<WebhookResponse> {
    if (input.WebhookType !== SERVICE_WEBHOOK)
      throw new BadRequestError('Invalid WebhookType', 'Only service webhooks (1) are supported');
    const { service } = await this.manageableService(actor, input.EndpointID, input.ResourceID);
    if (input.RegistryID) await this.registries.assertUsable(actor, input.EndpointID, input.RegistryID);
    const existing = await this.webhooks.findOneBy({
      environmentId: input.EndpointID,
      resourceId: service.ID,
    });
    if (existing)
      throw new ConflictError('A webhook already exists for this resource', `Webhook ${existing.id}`);
    const saved = await this.webhooks.save(
      this.webhooks.create({
        token: newToken(),
        resourceId: service.ID,
        environmentId: input.EndpointID,
        registryId: input.RegistryID ?? 0,
        webhookType: SERVICE_WEBHOOK,
        createdBy: actor.id,
        createdAt: this.clock.now(),
      }),
      AUTOCOMMIT,
    );
    return toResponse(saved);
  }

  /**
   * Webhooks the caller may see: every one to administrators; on an environment where the caller's role manages
   * all resources, that environment's; elsewhere only the ones the caller created (a token is a credential that
   * changes the service, so roles that cannot change it do not get it).
   */
  async list(
    actor: AuthenticatedUser,
    filters: { ResourceID?: string; EndpointID?: number },
  ): Promise<WebhookResponse[]> {
    const where: { resourceId?: string; environmentId?: number } = {};
    if (filters.ResourceID !== undefined) where.resourceId = filters.ResourceID;
    if (filters.EndpointID !== undefined) where.environmentId = filters.EndpointID;
    const rows = await this.webhooks.find({ where, order: { id: 'ASC' } });
    if (actor.role === UserRole.Administrator) return rows.map(toResponse);
    const visible: WebhookResponse[] = [];
    const manageAll = new Map<number, boolean>();
    for (const w of rows) {
      let all = manageAll.get(w.environmentId);
      if (all === undefined) {
        all = await this.managesAll(actor, w.environmentId);
        manageAll.set(w.environmentId, all);
      }
      if (all || w.createdBy === actor.id) visible.push(toResponse(w));
    }
    return visible;
  }

  async setRegistry(actor: AuthenticatedUser, id: number, registryId: number): Promise<WebhookResponse> {
    const w = await this.ownWebhook(actor, id);
    if (registryId) await this.registries.assertUsable(actor, w.environmentId, registryId);
    w.registryId = registryId;
    return toResponse(await this.webhooks.save(w, AUTOCOMMIT));
  }

  async delete(actor: AuthenticatedUser, id: number): Promise<void> {
    const w = await this.ownWebhook(actor, id);
    await this.webhooks.delete({ id: w.id });
  }

  /**
   * The public trigger: force-update the service (TaskTemplate.ForceUpdate + 1), with the image's tag replaced
   * when `tag` is given, against the service's current version. No registry lookup: the engine resolves the
   * image as for any update.
   */
  async trigger(token: string, tag: string | undefined, client: string): Promise<void> {
    const now = this.clock.now();
    const webhook = TOKEN.test(token) ? await this.webhooks.findOneBy({ token }) : null;
    if (!webhook) {
      const wait = this.misses.hit(client, now);
      if (wait > 0) throw new TooManyRequestsError('Too many requests', wait);
      throw new NotFoundError(NOT_FOUND, 'Unknown webhook token');
    }
    if (tag !== undefined && !TAG.test(tag))
      throw new BadRequestError(
        'Invalid tag',
        'A tag is 1–128 letters, digits, "_", "." or "-", not starting with "." or "-"',
      );
    const wait = this.perToken.hit(token, now);
    if (wait > 0) throw new TooManyRequestsError('Too many requests for this webhook', wait);
    if (this.running.has(webhook.id))
      throw new ConflictError('An update of this service through its webhook is already running', '');
    this.running.add(webhook.id);
    try {
      const env = await this.environments.view(webhook.environmentId);
      const connection = this.environments.connectionOf(env, ENGINE_TIMEOUT_MS);
      // The stored registry's credentials (checked when the webhook was given it) let the engine pull the new tag.
      const auth = webhook.registryId
        ? await this.registries.credentialsForServer(webhook.registryId)
        : undefined;
      const headers = auth ? { 'X-Registry-Auth': encodeRegistryAuth(auth) } : undefined;
      // The orchestrator bumps the version while an update rolls out: re-read and retry a few times.
      for (let attempt = 1; ; attempt++) {
        const service = await this.inspect(connection, webhook.resourceId);
        const answer = await this.reach(() =>
          this.engine.call(
            connection,
            'POST',
            `/services/${encodeURIComponent(service.ID)}/update?version=${service.Version.Index}`,
            forcedSpec(service, tag),
            headers,
          ),
        );
        if (answer.status >= 200 && answer.status < 300) return;
        const message = engineMessage(answer.body);
        if (!/out of sequence/i.test(message))
          throw new BadGatewayError('The engine refused the service update', message);
        if (attempt >= UPDATE_ATTEMPTS)
          throw new ConflictError('The service kept changing during the update; try again', message);
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    } finally {
      this.running.delete(webhook.id);
    }
  }

  private async ownWebhook(actor: AuthenticatedUser, id: number): Promise<WebhookEntity> {
    const w = await this.webhooks.findOneBy({ id });
    if (!w) throw new NotFoundError(NOT_FOUND, `No webhook ${id}`);
    if (actor.role === UserRole.Administrator) return w;
    // Hides webhooks of environments the caller cannot see (accessFor answers 404 there).
    const { access } = await this.environments.accessFor(actor, w.environmentId);
    // Webhooks are owned by their creator: `manage-owned` on one's own, `manage-all` on any.
    AccessService.assert(
      access,
      Permission.ResourcesManageOwned,
      "Only the webhook's creator or an environment administrator can change it",
      { createdBy: w.createdBy },
    );
    return w;
  }

  private async managesAll(actor: AuthenticatedUser, envId: number): Promise<boolean> {
    try {
      const { access } = await this.environments.accessFor(actor, envId);
      return access.can(Permission.ResourcesManageAll);
    } catch {
      return false;
    }
  }

  /** The service, if the caller may change it (see the class comment). */
  private async manageableService(
    actor: AuthenticatedUser,
    envId: number,
    serviceId: string,
  ): Promise<{ connection: EngineConnection; service: ServiceInspect }> {
    const { env, access } = await this.environments.accessFor(actor, envId);
    const all = access.can(Permission.ResourcesManageAll);
    AccessService.assert(
      access,
      Permission.ResourcesManageOwned,
      'Your role on this environment cannot change services',
    );
    const connection = this.environments.connectionOf(env, ENGINE_TIMEOUT_MS);
    const service = await this.inspect(connection, serviceId);
    if (!all) {
      const index = await this.controls.index(envId, [service.Spec.Labels ?? null]);
      const rc = index.find(ResourceControlType.Service, service.ID, service.Spec.Labels ?? null);
      AccessService.assert(
        access,
        Permission.ResourcesManageOwned,
        'Only the owners of this service can add a webhook to it',
        { control: rc },
      );
    }
    return { connection, service };
  }

  private async inspect(connection: EngineConnection, id: string): Promise<ServiceInspect> {
    const answer = await this.reach(() =>
      this.engine.call(connection, 'GET', `/services/${encodeURIComponent(id)}`),
    );
    if (answer.status === 404) throw new NotFoundError('Service not found', engineMessage(answer.body));
    if (answer.status === 503)
      throw new BadRequestError('The environment is not a Swarm manager', engineMessage(answer.body));
    if (answer.status < 200 || answer.status >= 300)
      throw new BadGatewayError('The engine refused the request', engineMessage(answer.body));
    return answer.body as ServiceInspect;
  }

  private async reach<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      throw new BadGatewayError(
        'Unable to reach the Docker engine',
        e instanceof Error ? e.message : String(e),
      );
    }
  }
}

/** The service's spec with ForceUpdate + 1 (a new task for every replica) and, with `tag`, the image retagged. */
function forcedSpec(service: ServiceInspect, tag: string | undefined): ServiceInspect['Spec'] {
  const spec = structuredClone(service.Spec);
  const template = (spec.TaskTemplate ??= {});
  template.ForceUpdate = (template.ForceUpdate ?? 0) + 1;
  if (tag !== undefined) {
    const image = template.ContainerSpec?.Image;
    if (!image) throw new BadRequestError('The service has no image to retag', service.ID);
    template.ContainerSpec = { ...template.ContainerSpec, Image: retag(image, tag) };
  }
  return spec;
}

function engineMessage(body: unknown): string {
  const m = (body as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' ? m : '';
}
