import { Injectable } from '@nestjs/common';
import { NotFoundError, type AuthenticatedUser } from '@capstan/server-core';
import { EngineConnections, EnvironmentsService } from '@capstan/server-environments';
import { GitService } from '@capstan/server-git';
import { composeDrift, swarmDrift, type DriftItem, type ModelService, type RunningUnit } from './stack-drift';
import { STACK_SWARM } from './stack-deployer';
import { StackTools, StacksService, parseOptions, reachEngine as reach } from './stacks.service';

const ENGINE_TIMEOUT_MS = 15_000;
const ACTIVE = 1;

export interface DriftReport {
  StackId: number;
  InSync: boolean;
  Differences: DriftItem[];
  /** Unix seconds. */
  CheckedAt: number;
}

type Client = ReturnType<EngineConnections['client']>;

/**
 * Capstan's drift of a stack (what runs against its file) and its re-apply, and the diff between stored versions.
 * Reading the file's intent is compose's job (`config --format json`: interpolation, merges, defaults); what runs
 * comes from the environment's engine through `EngineClient`.
 */
@Injectable()
export class StackDriftService {
  constructor(
    private readonly stacks: StacksService,
    private readonly tools: StackTools,
    private readonly environments: EnvironmentsService,
    private readonly engines: EngineConnections,
    private readonly git: GitService,
  ) {}

  async drift(actor: AuthenticatedUser, id: number): Promise<DriftReport> {
    const { stack } = await this.stacks.readableStack(actor, id);
    return this.report(stack.id);
  }

  /** Puts the file back (compose `up -d` / `stack deploy`) in the stack's lock; then the drift after it. */
  async reapply(actor: AuthenticatedUser, id: number, endpointId: number | undefined): Promise<DriftReport> {
    await this.stacks.inStackLock(id, async () => {
      const { stack } = await this.stacks.manageableStack(actor, id, endpointId);
      const registries = await this.stacks.registryAuths(actor, stack.environmentId);
      const log = await this.stacks.deployWithLog(stack.id, (onProgress) =>
        this.tools.deployer.deploy(this.stacks.targetOf(stack), {
          prune: parseOptions(stack.options).Prune,
          registries,
          onProgress,
        }),
      );
      await this.stacks.saveRecord(stack.id, { status: ACTIVE, lastDeployLog: log });
    });
    return this.report(id);
  }

  /** `git diff --no-index` of two stored versions (every file of each). */
  async diff(
    actor: AuthenticatedUser,
    id: number,
    from: number,
    to: number,
  ): Promise<{ From: number; To: number; Diff: string }> {
    const { stack } = await this.stacks.readableStack(actor, id);
    const versions = await this.tools.files.versions(stack.id);
    for (const v of [from, to])
      if (!versions.includes(v))
        throw new NotFoundError('Stack file version not found', `No version ${v} of stack ${id}`);
    const cwd = this.tools.files.versionDir(stack.id, from).replace(/\/[^/]+$/, '');
    const diff = await this.git.client.diffPaths(cwd, String(from), String(to));
    return { From: from, To: to, Diff: diff };
  }

  private async report(id: number): Promise<DriftReport> {
    const stack = await this.stacks.record(id);
    const model = (await this.tools.deployer.model(this.stacks.targetOf(stack))) as {
      services?: Record<string, ModelService>;
    };
    const services = model.services ?? {};
    const env = await this.environments.view(stack.environmentId);
    const client = this.engines.client(this.environments.connectionOf(env, ENGINE_TIMEOUT_MS));
    const differences =
      stack.type === STACK_SWARM
        ? swarmDrift(stack.name, services, await this.swarmUnits(client, stack.name))
        : composeDrift(services, await this.composeUnits(client, stack.name));
    return {
      StackId: stack.id,
      InSync: differences.length === 0,
      Differences: differences,
      CheckedAt: Math.floor(this.stacks.now() / 1000),
    };
  }

  private async composeUnits(client: Client, project: string): Promise<RunningUnit[]> {
    const filter = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
    const list = (await reach(() => client.get(`/containers/json?all=1&filters=${filter}`))).body as {
      Id: string;
    }[];
    const out: RunningUnit[] = [];
    for (const c of list) {
      const i = (await reach(() => client.get(`/containers/${c.Id}/json`))).body as {
        Name?: string;
        State?: { Running?: boolean };
        Config?: { Image?: string; Env?: string[]; Labels?: Record<string, string> };
        HostConfig?: { PortBindings?: Record<string, { HostPort?: string }[] | null> | null };
      };
      const ports = new Set<string>();
      for (const [key, binds] of Object.entries(i.HostConfig?.PortBindings ?? {})) {
        const [target, proto = 'tcp'] = key.split('/');
        for (const b of binds ?? []) if (b.HostPort) ports.add(`${b.HostPort}:${target}/${proto}`);
      }
      out.push({
        name: (i.Name ?? c.Id).replace(/^\//, ''),
        service: i.Config?.Labels?.['com.docker.compose.service'] ?? '',
        image: i.Config?.Image ?? '',
        running: i.State?.Running === true,
        ports: [...ports],
        env: i.Config?.Env ?? [],
      });
    }
    return out;
  }

  private async swarmUnits(client: Client, stack: string): Promise<RunningUnit[]> {
    const filter = encodeURIComponent(JSON.stringify({ label: [`com.docker.stack.namespace=${stack}`] }));
    const services = (await reach(() => client.get(`/services?filters=${filter}`))).body as {
      ID: string;
      Spec?: {
        Name?: string;
        TaskTemplate?: { ContainerSpec?: { Image?: string; Env?: string[] } };
        Mode?: { Replicated?: { Replicas?: number } };
        EndpointSpec?: { Ports?: { PublishedPort?: number; TargetPort?: number; Protocol?: string }[] };
      };
    }[];
    const out: RunningUnit[] = [];
    for (const s of services) {
      const tf = encodeURIComponent(JSON.stringify({ service: [s.ID], 'desired-state': ['running'] }));
      const tasks = (await reach(() => client.get(`/tasks?filters=${tf}`))).body as {
        Status?: { State?: string };
      }[];
      const replicated = s.Spec?.Mode?.Replicated;
      out.push({
        name: s.Spec?.Name ?? s.ID,
        service: s.Spec?.Name ?? s.ID,
        image: s.Spec?.TaskTemplate?.ContainerSpec?.Image ?? '',
        running: true,
        ports: (s.Spec?.EndpointSpec?.Ports ?? [])
          .filter((p) => p.PublishedPort)
          .map((p) => `${String(p.PublishedPort)}:${String(p.TargetPort)}/${p.Protocol ?? 'tcp'}`),
        env: s.Spec?.TaskTemplate?.ContainerSpec?.Env ?? [],
        ...(replicated
          ? {
              replicas: {
                desired: replicated.Replicas ?? 0,
                running: tasks.filter((t) => t.Status?.State === 'running').length,
              },
            }
          : {}),
      });
    }
    return out;
  }
}
