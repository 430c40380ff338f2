import { Injectable, inject } from '@angular/core';

import { API_BASE_URL, ApiClient, unwrap } from '../api/api-client';
import type { components } from '../api/schema';
import { WEBSOCKET_FACTORY } from '../docker/docker-socket';

export type Stack = components['schemas']['StackResponse'];
export type StackEnvVar = components['schemas']['StackEnvDto'];
export type StackVersions = components['schemas']['StackVersionsResponse'];
export type StackDeployLog = components['schemas']['StackDeployLogResponse'];

/** Portainer's stack types and statuses. */
export const STACK_SWARM = 1;
export const STACK_COMPOSE = 2;
export const STACK_ACTIVE = 1;
export const STACK_INACTIVE = 2;

export interface StackCreate {
  name: string;
  content: string;
  env: readonly StackEnvVar[];
  /** Set: a Swarm stack on that cluster; unset: a compose stack. */
  swarmId?: string;
  /** Deployed from an app template (Portainer's `FromAppTemplate`). */
  fromAppTemplate?: boolean;
}

/** Where a stack's file comes from on creation: typed text, an uploaded file (multipart) or a git repository. */
export interface StackGitSource {
  url: string;
  /** Branch, tag or commit (`refs/heads/main`); '' = the remote's default branch. */
  reference: string;
  composeFile: string;
  additionalFiles: readonly string[];
  /** Username and token (only sent when `token` is set). */
  username: string;
  token: string;
  tlsSkipVerify: boolean;
  autoUpdate: StackAutoUpdate | null;
}

/** Portainer's `AutoUpdate` of a git stack: poll every `Interval` and/or redeploy on a webhook call. */
export interface StackAutoUpdate {
  /** Go duration (`5m`, `1h30m`); '' = no polling. */
  Interval?: string;
  /** The webhook's UUID (`POST /api/stacks/webhooks/{uuid}`); '' = no webhook. */
  Webhook?: string;
  ForceUpdate?: boolean;
  ForcePullImage?: boolean;
}

/** Portainer's `GitConfig` of a stack as answered (the password is never returned). */
export interface StackGitConfig {
  URL: string;
  ReferenceName: string;
  ConfigFilePath: string;
  /** The commit that is deployed. */
  ConfigHash: string;
  TLSSkipVerify: boolean;
  Authentication?: { Username: string; Password?: string } | null;
}

/** `POST /api/stacks/{id}/git` (Portainer): the git settings of a stack. */
export interface StackGitSettings {
  reference: string;
  /** Unset: keep the stored credentials; null: drop them. */
  credentials?: { username: string; token: string } | null;
  tlsSkipVerify: boolean;
  autoUpdate: StackAutoUpdate | null;
  env: readonly StackEnvVar[];
  prune: boolean;
}

/** `PUT /api/stacks/{id}/git/redeploy` (Portainer): pull the reference and deploy what it holds now. */
export interface StackGitRedeploy {
  reference: string;
  env: readonly StackEnvVar[];
  prune: boolean;
  pullImage: boolean;
}

export interface DeployWatchHandlers {
  /** A line of compose's output; the lines already written come first on every connection. */
  line: (text: string) => void;
  /** The deploy ended (or none ran: the last log was sent). */
  done: () => void;
  /** The socket closed without `done` (refused, gone). */
  failed: () => void;
}

export interface DeployWatchHandle {
  close(): void;
}

export interface StackUpdate {
  content: string;
  env: readonly StackEnvVar[];
  prune: boolean;
  pullImage: boolean;
}

/** Stacks (`/api/stacks`, server-stacks README): list, inspect, file, versions, deploy log, lifecycle. */
@Injectable({ providedIn: 'root' })
export class StacksApi {
  private readonly client = inject(ApiClient);
  private readonly base = inject(API_BASE_URL);
  private readonly sockets = inject(WEBSOCKET_FACTORY);

  /** The stacks of one environment, with those made outside Capstan (`External`, `Id: 0`). */
  list(envId: number): Promise<Stack[]> {
    const filters = JSON.stringify({ EndpointID: envId });
    return unwrap(this.client.raw.GET('/api/stacks', { params: { query: { filters } } }));
  }

  get(id: number): Promise<Stack> {
    return unwrap(this.client.raw.GET('/api/stacks/{id}', { params: { path: { id } } }));
  }

  /** The entry file, or a stored version of it. */
  async file(id: number, version?: number): Promise<string> {
    const query = version === undefined ? {} : { version: String(version) };
    const body = await unwrap(
      this.client.raw.GET('/api/stacks/{id}/file', { params: { path: { id }, query } }),
    );
    return body.StackFileContent;
  }

  versions(id: number): Promise<StackVersions> {
    return unwrap(this.client.raw.GET('/api/stacks/{id}/versions', { params: { path: { id } } }));
  }

  deployLog(id: number): Promise<StackDeployLog> {
    return unwrap(this.client.raw.GET('/api/stacks/{id}/deploy-log', { params: { path: { id } } }));
  }

  create(envId: number, form: StackCreate): Promise<Stack> {
    const type = form.swarmId ? 'swarm' : 'standalone';
    return unwrap(
      this.client.raw.POST('/api/stacks/create/{type}/{method}', {
        params: { path: { type, method: 'string' }, query: { endpointId: String(envId) } },
        body: {
          Name: form.name,
          StackFileContent: form.content,
          Env: [...form.env],
          ...(form.swarmId ? { SwarmID: form.swarmId } : {}),
          ...(form.fromAppTemplate ? { FromAppTemplate: true } : {}),
        },
      }),
    );
  }

  /** The upload path: the file goes as is in a multipart form (Portainer's `file` method), not through the editor. */
  createFromFile(envId: number, form: Omit<StackCreate, 'content'> & { file: File }): Promise<Stack> {
    const body = new FormData();
    body.set('Name', form.name);
    body.set('file', form.file, form.file.name);
    body.set('Env', JSON.stringify(form.env));
    if (form.swarmId) body.set('SwarmID', form.swarmId);
    return unwrap(
      this.client.raw.POST('/api/stacks/create/{type}/{method}', {
        params: {
          path: { type: form.swarmId ? 'swarm' : 'standalone', method: 'file' },
          query: { endpointId: String(envId) },
        },
        // openapi-fetch sends FormData as is (the browser sets the multipart boundary).
        body: body as unknown as components['schemas']['CreateStackDto'],
      }),
    );
  }

  /** A stack from a git repository (Portainer's `repository` method and field names). */
  createFromRepository(
    envId: number,
    form: Omit<StackCreate, 'content'> & { git: StackGitSource },
  ): Promise<Stack> {
    const g = form.git;
    const body = {
      Name: form.name,
      Env: [...form.env],
      ...(form.swarmId ? { SwarmID: form.swarmId } : {}),
      RepositoryURL: g.url.trim(),
      RepositoryReferenceName: g.reference.trim(),
      ComposeFile: g.composeFile.trim(),
      AdditionalFiles: g.additionalFiles.map((f) => f.trim()).filter(Boolean),
      RepositoryAuthentication: !!g.token,
      ...(g.token ? { RepositoryUsername: g.username.trim(), RepositoryPassword: g.token } : {}),
      TLSSkipVerify: g.tlsSkipVerify,
      AutoUpdate: g.autoUpdate,
    };
    return unwrap(
      this.client.raw.POST('/api/stacks/create/{type}/{method}', {
        params: {
          path: { type: form.swarmId ? 'swarm' : 'standalone', method: 'repository' },
          query: { endpointId: String(envId) },
        },
        body: body as unknown as components['schemas']['CreateStackDto'],
      }),
    );
  }

  /** Changes a git stack's settings (reference, credentials, auto-update, env, prune); redeploys nothing. */
  updateGit(stack: Stack, s: StackGitSettings): Promise<Stack> {
    const credentials =
      s.credentials === undefined
        ? {}
        : s.credentials === null
          ? { RepositoryAuthentication: false }
          : {
              RepositoryAuthentication: true,
              RepositoryUsername: s.credentials.username,
              RepositoryPassword: s.credentials.token,
            };
    return unwrap(
      this.client.raw.POST('/api/stacks/{id}/git', {
        params: { path: { id: stack.Id }, query: { endpointId: String(stack.EndpointId) } },
        body: {
          RepositoryReferenceName: s.reference.trim(),
          ...credentials,
          TLSSkipVerify: s.tlsSkipVerify,
          AutoUpdate: s.autoUpdate,
          Env: [...s.env],
          Prune: s.prune,
        },
      }),
    );
  }

  /** Pulls the repository at the reference and deploys it now. */
  redeployGit(stack: Stack, r: StackGitRedeploy): Promise<Stack> {
    return unwrap(
      this.client.raw.PUT('/api/stacks/{id}/git/redeploy', {
        params: { path: { id: stack.Id }, query: { endpointId: String(stack.EndpointId) } },
        body: {
          RepositoryReferenceName: r.reference.trim(),
          Env: [...r.env],
          Prune: r.prune,
          PullImage: r.pullImage,
        },
      }),
    );
  }

  /** The public URL that redeploys a git stack (`POST /api/stacks/webhooks/{uuid}`), or null without one. */
  webhookUrl(stack: Stack): string | null {
    const uuid = stackAutoUpdate(stack)?.Webhook;
    return uuid ? this.webhookUrlOf(uuid) : null;
  }

  /** The URL of the webhook with this UUID. */
  webhookUrlOf(uuid: string): string {
    return `${this.origin()}/api/stacks/webhooks/${encodeURIComponent(uuid)}`;
  }

  /**
   * Follows a stack's deploy over `/api/websocket/stack-deploy?stackId=`: the lines of the running deploy (those
   * already written first), then done. Without a running deploy the server sends the last log, then done.
   */
  watchDeploy(stackId: number, handlers: DeployWatchHandlers): DeployWatchHandle {
    const url = `${this.origin().replace(/^http/, 'ws')}/api/websocket/stack-deploy?stackId=${stackId}`;
    let finished = false;
    let socket: WebSocket;
    try {
      socket = this.sockets(url);
    } catch {
      queueMicrotask(() => handlers.failed());
      return { close: () => undefined };
    }
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string' || finished) return;
      if (event.data === DONE_MESSAGE) {
        finished = true;
        handlers.done();
      } else handlers.line(event.data);
    };
    socket.onclose = () => {
      if (!finished) {
        finished = true;
        handlers.failed();
      }
    };
    return {
      close: () => {
        finished = true;
        socket.close(1000);
      },
    };
  }

  private origin(): string {
    return this.base || globalThis.location.origin;
  }

  update(stack: Stack, form: StackUpdate): Promise<Stack> {
    return unwrap(
      this.client.raw.PUT('/api/stacks/{id}', {
        params: { path: { id: stack.Id }, query: { endpointId: String(stack.EndpointId) } },
        body: {
          StackFileContent: form.content,
          Env: [...form.env],
          Prune: form.prune,
          PullImage: form.pullImage,
        },
      }),
    );
  }

  rollback(stack: Stack, version: number): Promise<Stack> {
    return unwrap(
      this.client.raw.PUT('/api/stacks/{id}', {
        params: { path: { id: stack.Id }, query: { endpointId: String(stack.EndpointId) } },
        body: { RollbackTo: version },
      }),
    );
  }

  start(stack: Stack): Promise<Stack> {
    return unwrap(
      this.client.raw.POST('/api/stacks/{id}/start', {
        params: { path: { id: stack.Id }, query: { endpointId: String(stack.EndpointId) } },
      }),
    );
  }

  stop(stack: Stack): Promise<Stack> {
    return unwrap(
      this.client.raw.POST('/api/stacks/{id}/stop', {
        params: { path: { id: stack.Id }, query: { endpointId: String(stack.EndpointId) } },
      }),
    );
  }

  /** Removes what runs and the record; a stack made outside Capstan is removed by name. */
  async remove(stack: Stack): Promise<void> {
    const endpointId = String(stack.EndpointId);
    const request = stack.External
      ? {
          params: {
            path: { id: stack.Name },
            query: { endpointId, external: 'true', type: String(stack.Type) },
          },
        }
      : { params: { path: { id: String(stack.Id) }, query: { endpointId } } };
    await unwrap(this.client.raw.DELETE('/api/stacks/{id}', request));
  }
}

/** The server's end-of-deploy message on the progress socket. */
const DONE_MESSAGE = '{"done":true}';

/** A stack's git source (Portainer's `GitConfig`), or null for a stack made from a file. */
export function stackGit(stack: Stack): StackGitConfig | null {
  const g = stack.GitConfig as StackGitConfig | null | undefined;
  return g && typeof g.URL === 'string' ? g : null;
}

/** A git stack's `AutoUpdate`, or null. */
export function stackAutoUpdate(stack: Stack): StackAutoUpdate | null {
  const a = stack.AutoUpdate as StackAutoUpdate | null | undefined;
  return a && (a.Interval || a.Webhook) ? a : null;
}

/** A Go duration as Portainer's auto-update takes it (`30s`, `5m`, `1h30m`); null when it is not one. */
export function autoUpdateIntervalError(value: string): string | null {
  const v = value.trim();
  if (!v) return 'Give an interval, e.g. 5m.';
  if (!/^(\d+h)?(\d+m)?(\d+s)?$/.test(v)) return 'Use hours, minutes and seconds, e.g. 5m or 1h30m.';
  const [, h = '0', m = '0', sec = '0'] = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v) ?? [];
  const seconds = Number(h) * 3600 + Number(m) * 60 + Number(sec);
  if (seconds < 60) return 'At least one minute (1m).';
  return null;
}

/** Rows of a name/value editor as the API's env list: blank names dropped. */
export function stackEnv(rows: readonly { key: string; value: string }[]): StackEnvVar[] {
  return rows.filter((r) => r.key.trim()).map((r) => ({ name: r.key.trim(), value: r.value }));
}

/** What is wrong with a stack's env rows (null when valid), the server's rule. */
export function stackEnvError(rows: readonly { key: string; value: string }[]): string | null {
  const names = new Set<string>();
  for (const r of rows) {
    const name = r.key.trim();
    if (!name) {
      if (r.value) return 'Every variable with a value needs a name.';
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      return `${name}: use letters, digits and "_", not starting with a digit.`;
    if (names.has(name)) return `${name} is given twice.`;
    names.add(name);
  }
  return null;
}
