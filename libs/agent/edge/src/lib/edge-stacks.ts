import { spawn } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, normalize, sep, isAbsolute } from 'node:path';
import {
  EdgeStackStatusType,
  edgeProjectName,
  type EdgeStackPayload,
  type EdgeStackStatusReport,
  type EdgeStatusResponse,
} from '@capstan/contracts-agent';
import type { AgentLogger } from '@capstan/agent-api';
import type { EdgeServerCall } from './edge-agent';

export interface EdgeStacksOptions {
  readonly call: EdgeServerCall;
  /** The environment id (a global key's once resolved; 0 before). */
  readonly endpointId: () => number;
  readonly edgeId: string;
  /** `unix:///…` or `tcp://…`: the engine the stacks are deployed to. */
  readonly dockerHost: string;
  /** Where stack folders and the state file live (`<DATA_PATH>/edge_stacks`). */
  readonly dir: string;
  readonly log: AgentLogger;
  /** The `docker` binary (with the compose plugin). */
  readonly docker?: string;
  /** How long a deployed stack may take to have all its containers running (Portainer: 1 min). */
  readonly runningTimeoutMs?: number;
  /** Between status report retries (network errors, 5xx). */
  readonly retryMs?: number;
}

/** What this agent has deployed (kept in `state.json`, so a restart can still remove what it deployed). */
interface LocalStack {
  name: string;
  version: number;
  swarm: boolean;
  /** A version whose deploy failed: not retried until the server's version changes. */
  failed?: boolean;
}

const MAX_OUTPUT = 60_000;

/**
 * Edge stacks on the agent (agent protocol §5.7): diffs the poll's `stacks` against what it deployed, fetches the
 * payload of new or newer stacks, deploys them with the real `docker compose` (project `edge_<name>`) or
 * `docker stack deploy` on a Swarm manager, removes stacks missing from the list, and reports Portainer's
 * status sequence: Acknowledged → Deploying → DeploymentReceived → Running or Error (compose's message);
 * Removing → Removed. One operation at a time, in order; the poll loop never waits for it.
 */
export class EdgeStacks {
  private state = new Map<number, LocalStack>();
  private readonly queue: (() => Promise<void>)[] = [];
  private running = false;
  private loaded = false;
  /** The last list seen, so an unchanged answer queues nothing. */
  private wanted = new Map<number, number>();
  private stopped = false;

  constructor(private readonly o: EdgeStacksOptions) {}

  /** Poll handler: `stacks: null` leaves everything as it is. */
  readonly onAnswer = (answer: EdgeStatusResponse): void => {
    if (answer.stacks === null || answer.stacks === undefined) return;
    const next = new Map(answer.stacks.map((s) => [s.ID, s.Version]));
    const same = next.size === this.wanted.size && [...next].every(([id, v]) => this.wanted.get(id) === v);
    if (same && this.loaded) return;
    this.wanted = next;
    this.enqueue(() => this.reconcile());
  };

  stop(): void {
    this.stopped = true;
  }

  /** Resolves when every queued operation has run (tests). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setTimeout(r, 50));
  }

  private enqueue(op: () => Promise<void>): void {
    this.queue.push(op);
    if (this.running) return;
    this.running = true;
    void (async () => {
      while (this.queue.length > 0 && !this.stopped) {
        const next = this.queue.shift() as () => Promise<void>;
        try {
          await next();
        } catch (e) {
          this.o.log.warn(`edge stacks: ${(e as Error).message}`);
        }
      }
      this.running = false;
    })();
  }

  private async reconcile(): Promise<void> {
    if (!this.loaded) await this.load();
    const wanted = new Map(this.wanted);
    for (const [id, local] of [...this.state]) if (!wanted.has(id)) await this.remove(id, local);
    for (const [id, version] of wanted) {
      const local = this.state.get(id);
      if (local && local.version >= version) continue;
      await this.deploy(id, version);
    }
  }

  private async deploy(id: number, version: number): Promise<void> {
    this.o.log.info(`edge stack ${id}: deploying version ${version}`);
    const r = await this.o.call(
      'GET',
      `/api/endpoints/${this.o.endpointId()}/edge/stacks/${id}?version=${version}`,
    );
    if (r.status !== 200) {
      this.o.log.warn(`edge stack ${id}: the server answered ${r.status} for its payload`);
      return;
    }
    const p = JSON.parse(r.body) as EdgeStackPayload;
    await this.report(id, EdgeStackStatusType.Acknowledged, '', p.Version);
    const dir = join(this.o.dir, String(id));
    const previous = this.state.get(id);
    try {
      await this.writeFiles(dir, p);
      const swarm = await this.isSwarmManager();
      await this.report(id, EdgeStackStatusType.Deploying, '', p.Version);
      const project = edgeProjectName(p.Name);
      const env = this.env(p, dir);
      if (p.RegistryCredentials.length > 0) await this.login(p, env);
      if (previous && previous.name !== p.Name) await this.down(previous, join(this.o.dir, `${id}.success`));
      if (swarm)
        await this.run(
          ['stack', 'deploy', '--with-registry-auth', '--compose-file', p.EntryFileName, project],
          env,
          dir,
        );
      else
        await this.run(
          ['compose', '--project-name', project, '-f', p.EntryFileName, 'up', '-d', '--remove-orphans'],
          env,
          dir,
        );
      await this.report(id, EdgeStackStatusType.DeploymentReceived, '', p.Version);
      this.state.set(id, { name: p.Name, version: p.Version, swarm });
      await this.save();
      await rm(`${dir}.success`, { recursive: true, force: true });
      await this.copy(dir, `${dir}.success`);
      const problem = swarm ? undefined : await this.waitRunning(project, env, dir);
      if (problem) await this.report(id, EdgeStackStatusType.Error, problem, p.Version);
      else await this.report(id, EdgeStackStatusType.Running, '', p.Version);
    } catch (e) {
      const message = (e as Error).message || 'deploy failed';
      this.o.log.warn(`edge stack ${id}: version ${p.Version} failed: ${message.slice(0, 500)}`);
      this.state.set(id, { name: p.Name, version: p.Version, swarm: previous?.swarm ?? false, failed: true });
      await this.save();
      await this.report(id, EdgeStackStatusType.Error, message, p.Version);
    }
  }

  private async remove(id: number, local: LocalStack): Promise<void> {
    const success = join(this.o.dir, `${id}.success`);
    this.o.log.info(`edge stack ${id}: removing ${edgeProjectName(local.name)}`);
    try {
      await this.down(local, success);
      await this.report(id, EdgeStackStatusType.Removing, '');
      this.state.delete(id);
      await this.save();
      await rm(join(this.o.dir, String(id)), { recursive: true, force: true });
      await rm(success, { recursive: true, force: true });
      await this.report(id, EdgeStackStatusType.Removed, '');
    } catch (e) {
      await this.report(id, EdgeStackStatusType.Error, `remove failed: ${(e as Error).message}`);
    }
  }

  private async down(local: LocalStack, dir: string): Promise<void> {
    const project = edgeProjectName(local.name);
    const env = { PATH: process.env['PATH'] ?? '', DOCKER_HOST: this.o.dockerHost, HOME: this.o.dir };
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (local.swarm) await this.run(['stack', 'rm', project], env, dir);
    else await this.run(['compose', '--project-name', project, 'down', '--remove-orphans'], env, dir);
  }

  /** Every container of the project running (none exited) within the timeout, or why not. */
  private async waitRunning(
    project: string,
    env: NodeJS.ProcessEnv,
    dir: string,
  ): Promise<string | undefined> {
    const deadline = Date.now() + (this.o.runningTimeoutMs ?? 60_000);
    let last = 'no container started';
    for (;;) {
      const out = await this.run(
        ['compose', '--project-name', project, 'ps', '-a', '--format', 'json'],
        env,
        dir,
      );
      const containers = out
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { Name?: string; State?: string; ExitCode?: number; Status?: string });
      const bad = containers.filter((c) => c.State !== 'running');
      if (containers.length > 0 && bad.length === 0) return undefined;
      const exited = bad.find((c) => c.State === 'exited' || c.State === 'dead');
      if (exited) return `container ${exited.Name ?? '?'} ${exited.Status ?? 'exited'}`;
      last = bad.map((c) => `${c.Name ?? '?'} ${c.State ?? '?'}`).join(', ') || last;
      if (Date.now() > deadline) return `not running after the deploy: ${last}`;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  private env(p: EdgeStackPayload, dir: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'] ?? '',
      HOME: dir,
      DOCKER_HOST: this.o.dockerHost,
      DOCKER_CONFIG: join(dir, '.docker'),
    };
    for (const v of p.EnvVars ?? []) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name)) env[v.name] = v.value;
    env['PORTAINER_EDGE_ID'] = this.o.edgeId;
    return env;
  }

  /** Registry credentials into the stack's own DOCKER_CONFIG (never the host's), password on stdin. */
  private async login(p: EdgeStackPayload, env: NodeJS.ProcessEnv): Promise<void> {
    await mkdir(env['DOCKER_CONFIG'] as string, { recursive: true, mode: 0o700 });
    for (const c of p.RegistryCredentials)
      await this.run(
        ['login', '--username', c.Username, '--password-stdin', c.ServerURL],
        env,
        undefined,
        c.Secret,
      );
  }

  private async writeFiles(dir: string, p: EdgeStackPayload): Promise<void> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const entries = p.DirEntries?.length
      ? p.DirEntries
      : [
          {
            Name: p.EntryFileName,
            Content: Buffer.from(p.StackFileContent).toString('base64'),
            IsFile: true,
            Permissions: 0o644,
          },
        ];
    for (const e of entries) {
      if (!e.IsFile) continue;
      // Unlike Portainer's agent, names are checked: a payload cannot write outside the stack's folder.
      const n = normalize(e.Name);
      if (isAbsolute(n) || n === '..' || n.startsWith(`..${sep}`) || n.includes('\0'))
        throw new Error(`refused file name ${e.Name}`);
      await mkdir(join(dir, n, '..'), { recursive: true, mode: 0o700 });
      await writeFile(join(dir, n), Buffer.from(e.Content, 'base64'), { mode: 0o600 });
    }
  }

  private async copy(from: string, to: string): Promise<void> {
    const { cp } = await import('node:fs/promises');
    await cp(from, to, { recursive: true });
  }

  private async isSwarmManager(): Promise<boolean> {
    const env = { PATH: process.env['PATH'] ?? '', DOCKER_HOST: this.o.dockerHost, HOME: this.o.dir };
    const out = await this.run(
      ['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}'],
      env,
      undefined,
    ).catch(() => '');
    return out.trim() === 'active true';
  }

  /** Runs `docker …`; resolves with stdout, rejects with the command's own message (stderr, trimmed). */
  private run(
    args: string[],
    env: NodeJS.ProcessEnv,
    cwd: string | undefined,
    stdin?: string,
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.o.docker ?? 'docker', args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-MAX_OUTPUT)));
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-MAX_OUTPUT)));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve(out);
        else reject(new Error(err.trim() || out.trim() || `docker ${args[0]} exited with ${code}`));
      });
      child.stdin.end(stdin ?? '');
    });
  }

  /** Status reports are retried on network errors and 5xx (a few times; the next poll starts over). */
  private async report(
    id: number,
    status: EdgeStackStatusType,
    error: string,
    version?: number,
  ): Promise<void> {
    const body: EdgeStackStatusReport = {
      EndpointID: this.o.endpointId(),
      Status: status,
      Error: error,
      Time: Math.floor(Date.now() / 1000),
      ...(version === undefined ? {} : { Version: version }),
    };
    for (let attempt = 0; attempt < 12 && !this.stopped; attempt++) {
      try {
        const r = await this.o.call('PUT', `/api/edge_stacks/${id}/status`, body);
        if (r.status === 200) return;
        if (r.status < 500) {
          this.o.log.warn(
            `edge stack ${id}: status ${status} refused (${r.status}): ${r.body.slice(0, 300)}`,
          );
          return;
        }
      } catch {
        // network error: retried
      }
      await new Promise((r) => setTimeout(r, this.o.retryMs ?? 5_000));
    }
  }

  private async load(): Promise<void> {
    this.loaded = true;
    try {
      const raw = JSON.parse(await readFile(join(this.o.dir, 'state.json'), 'utf8')) as Record<
        string,
        LocalStack
      >;
      this.state = new Map(Object.entries(raw).map(([k, v]) => [Number(k), v]));
    } catch {
      this.state = new Map();
    }
  }

  private async save(): Promise<void> {
    await mkdir(this.o.dir, { recursive: true, mode: 0o700 });
    const file = join(this.o.dir, 'state.json');
    await writeFile(`${file}.tmp`, JSON.stringify(Object.fromEntries(this.state)), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
}
