import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadRequestError, ServiceUnavailableError, UnprocessableError } from '@capstan/server-core';
import type { LocalEndpoints } from '@capstan/server-environments';
import { DockerCli, type RunResult, type StackEnvVar } from './deploy-runner';

export const STACK_SWARM = 1;
export const STACK_COMPOSE = 2;

/** What a deploy needs to know of a stack (a file stack or, from the git module, a repository checkout). */
export interface DeployTarget {
  readonly name: string;
  /** 1 swarm, 2 compose. */
  readonly type: number;
  readonly environmentId: number;
  /** The directory compose runs in (relative paths of the file resolve there). */
  readonly projectPath: string;
  /** Compose files, relative to `projectPath`: the entry point first, then additional files. */
  readonly files: readonly string[];
  readonly env: readonly StackEnvVar[];
}

/** A registry's credentials as Docker's config.json keeps them (the registries lib's DockerAuthConfig). */
export interface RegistryAuth {
  readonly serveraddress: string;
  readonly username: string;
  readonly password: string;
}

export interface DeployOptions {
  readonly prune?: boolean;
  readonly pullImage?: boolean;
  /**
   * Credentials of the registries the caller may use on the environment: written to a DOCKER_CONFIG of this run
   * only (a 0600 config.json under `<data>/tmp`, removed after), so compose and `docker stack deploy` pull
   * private images; Swarm stacks pass them to the nodes with `--with-registry-auth`.
   */
  readonly registries?: readonly RegistryAuth[];
  /** Each progress line, as compose writes it. */
  readonly onProgress?: (line: string) => void;
}

const DEPLOY_TIMEOUT_MS = 15 * 60_000;

const MISSING =
  'docker compose is not installed on the Capstan server: run tools/setup/compose.sh (or install the docker CLI ' +
  'and its compose plugin into /usr/local/lib/docker/cli-plugins)';

/**
 * Runs compose and `docker stack` for a stack against its environment's local Docker endpoint
 * (`LocalEndpoints.forEnvironment`), never against the server's own engine. The git module calls `deploy` with a
 * checkout's directory the same way file stacks do.
 */
export class StackDeployer {
  private readonly cli: DockerCli;
  /** The CLI's own config directory, also the working directory of commands on projects without files. */
  private readonly scratch: string;
  private readonly tmp: string;

  constructor(
    private readonly endpoints: LocalEndpoints,
    docker: string,
    dataDir: string,
  ) {
    this.scratch = join(dataDir, 'docker-config');
    this.tmp = join(dataDir, 'tmp');
    this.cli = new DockerCli(docker, this.scratch);
  }

  /** `docker compose config -q`: compose's own validation (unknown keys, bad types, interpolation). */
  async validate(t: DeployTarget): Promise<void> {
    if (t.type !== STACK_COMPOSE) return;
    const r = await this.run(t, [...this.composeArgs(t), 'config', '-q']);
    if (r.code !== 0) throw new BadRequestError('Invalid stack file', clean(r.message));
  }

  /** compose's resolved model of the files (`docker compose config --format json`): interpolated, merged. */
  async model(t: DeployTarget): Promise<unknown> {
    const r = await this.run(t, [...this.composeArgs(t), 'config', '--format', 'json']);
    if (r.code !== 0) throw new UnprocessableError('Unable to read the stack file', clean(r.message));
    try {
      return JSON.parse(r.stdout) as unknown;
    } catch {
      throw new UnprocessableError('Unable to read the stack file', 'compose wrote no JSON model');
    }
  }

  /** Brings the stack up (compose `up -d`, swarm `stack deploy`); compose's message as a 422 on failure. */
  async deploy(t: DeployTarget, o: DeployOptions = {}): Promise<RunResult> {
    const args =
      t.type === STACK_SWARM
        ? [
            'stack',
            'deploy',
            ...t.files.flatMap((f) => ['-c', f]),
            ...(o.prune ? ['--prune'] : []),
            '--resolve-image',
            o.pullImage ? 'always' : 'never',
            ...(o.registries?.length ? ['--with-registry-auth'] : []),
            '--detach=true',
            t.name,
          ]
        : [
            ...this.composeArgs(t),
            'up',
            '-d',
            '--remove-orphans',
            ...(o.pullImage ? ['--pull', 'always'] : []),
            ...(o.pullImage ? ['--force-recreate'] : []),
          ];
    return this.withRegistries(o.registries, (dockerConfig) =>
      this.must(t, args, o.onProgress, 'Unable to deploy the stack', dockerConfig),
    );
  }

  /** Runs `work` with a DOCKER_CONFIG holding `registries` (none: the server's own), removed afterwards. */
  private async withRegistries<T>(
    registries: readonly RegistryAuth[] | undefined,
    work: (dockerConfig: string | undefined) => Promise<T>,
  ): Promise<T> {
    if (!registries?.length) return work(undefined);
    const dir = join(this.tmp, `docker-config-${randomUUID()}`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const auths: Record<string, { auth: string }> = {};
      for (const r of registries)
        auths[r.serveraddress] = { auth: Buffer.from(`${r.username}:${r.password}`).toString('base64') };
      await writeFile(join(dir, 'config.json'), JSON.stringify({ auths }), { mode: 0o600 });
      return await work(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Removes what the stack runs (compose `down`, swarm `stack rm`); volumes are kept. */
  async remove(t: DeployTarget, o: DeployOptions = {}): Promise<RunResult> {
    const args =
      t.type === STACK_SWARM
        ? ['stack', 'rm', '--detach=false', t.name]
        : [...this.composeArgs(t), 'down', '--remove-orphans'];
    return this.must(t, args, o.onProgress, 'Unable to remove the stack');
  }

  /** compose `down` for a project Capstan did not create (only its name is known). */
  async removeProject(environmentId: number, type: number, name: string): Promise<RunResult> {
    const t: DeployTarget = { name, type, environmentId, projectPath: this.scratch, files: [], env: [] };
    const args =
      type === STACK_SWARM
        ? ['stack', 'rm', '--detach=false', name]
        : ['compose', '-p', name, 'down', '--remove-orphans'];
    return this.must(t, args, undefined, 'Unable to remove the stack');
  }

  private composeArgs(t: DeployTarget): string[] {
    return ['compose', '-p', t.name, ...t.files.flatMap((f) => ['-f', f])];
  }

  private async must(
    t: DeployTarget,
    args: string[],
    onLine: ((line: string) => void) | undefined,
    what: string,
    dockerConfig?: string,
  ): Promise<RunResult> {
    const r = await this.run(t, args, onLine, dockerConfig);
    if (r.code !== 0) throw new UnprocessableError(what, clean(r.message) || `exit code ${String(r.code)}`);
    return r;
  }

  private async run(
    t: DeployTarget,
    args: string[],
    onLine?: (line: string) => void,
    dockerConfig?: string,
  ): Promise<RunResult> {
    const { dockerHost } = await this.endpoints.forEnvironment(t.environmentId);
    const r = await this.cli.run(args, {
      dockerHost,
      ...(dockerConfig ? { dockerConfig } : {}),
      cwd: t.projectPath,
      env: t.env,
      onLine,
      timeoutMs: DEPLOY_TIMEOUT_MS,
    });
    if (r.code === null && /ENOENT/.test(r.message))
      throw new ServiceUnavailableError('docker CLI missing', MISSING);
    if (
      r.code !== 0 &&
      /is not a docker command|unknown command "compose"|unknown shorthand flag: 'p'/.test(r.message)
    )
      throw new ServiceUnavailableError('docker compose missing', MISSING);
    return r;
  }
}

/** compose's message without the socket path of the local endpoint (a server detail). */
function clean(message: string): string {
  return message.replace(/unix:\/\/\S+environment-\d+\.sock/g, 'the environment').trim();
}
