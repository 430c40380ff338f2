import { Injectable } from '@nestjs/common';
import { ResourceControlType } from '@capstan/contracts-api';
import {
  BadGatewayError,
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { EngineConnections, EnvironmentsService, type EngineClient } from '@capstan/server-environments';
import {
  ImageUpdateChecker,
  RegistriesService,
  registryRefusal,
  splitImageHost,
} from '@capstan/server-registries';
import { ResourceControlsService } from '@capstan/server-resource-controls';
import { decide } from './proxy-policy';
import { ProxyOwnership } from './proxy-ownership';

type Json = Record<string, unknown>;

/** A pull may take minutes (big layers); a plain engine call does not. */
const PULL_TIMEOUT_MS = 10 * 60_000;
const CALL_TIMEOUT_MS = 60_000;
/** What is kept of a pull's progress stream to find its error: the last lines. */
const PULL_TAIL_BYTES = 64 * 1024;
const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Portainer's `POST /api/docker/{id}/containers/{cid}/recreate {PullImage}`: the same container again (config,
 * host config, networks, name, ownership), on a freshly pulled image when asked — pulled with the stored
 * registry the image comes from, before anything is touched, so a refused pull changes nothing. The old
 * container is kept (renamed, stopped) until the new one exists and started; any failure puts it back.
 */
@Injectable()
export class ContainerRecreate {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly engines: EngineConnections,
    private readonly ownership: ProxyOwnership,
    private readonly registries: RegistriesService,
    private readonly controls: ResourceControlsService,
    private readonly checker: ImageUpdateChecker,
  ) {}

  async recreate(
    actor: AuthenticatedUser,
    envId: number,
    containerId: string,
    pullImage: boolean,
  ): Promise<Json> {
    if (!CONTAINER_ID.test(containerId))
      throw new BadRequestError('Invalid container identifier', 'A container id or name');
    const { env, access } = await this.environments.accessFor(actor, envId);
    const connection = this.environments.connectionOf(env, CALL_TIMEOUT_MS);
    // Removing it and creating one: both must be allowed, and the container must be the caller's to manage.
    for (const [method, path] of [
      ['DELETE', `/containers/${containerId}`],
      ['POST', '/containers/create'],
    ] as const) {
      const decision = decide(access, method, path);
      if (!decision.allowed)
        throw new ForbiddenError(decision.message ?? 'Access denied to resource', decision.reason);
    }
    await this.ownership.plan({
      user: actor,
      envId,
      access,
      method: 'DELETE',
      path: `/containers/${containerId}`,
      query: new URLSearchParams(),
      connection,
      security: env.security,
      readBody: () => Promise.resolve(Buffer.alloc(0)),
    });
    const client = this.engines.client(connection);
    const old = await this.inspect(client, containerId);
    const oldId = String(old['Id']);
    const name = String(old['Name'] ?? '').replace(/^\//, '');
    const config = (old['Config'] ?? {}) as Json;
    const image = String(config['Image'] ?? '');
    if (pullImage) await this.pull(actor, envId, client, image);

    const state = (old['State'] ?? {}) as Json;
    const wasRunning = state['Running'] === true || state['Paused'] === true;
    const parked = `${name}-capstan-replaced-${Date.now().toString(36)}`;
    const body = createBody(old);
    const extraNetworks = body.extraNetworks;
    if (wasRunning) await this.expect(client, 'POST', `/containers/${oldId}/stop?t=10`, [204, 304]);
    await this.expect(
      client,
      'POST',
      `/containers/${oldId}/rename?name=${encodeURIComponent(parked)}`,
      [204],
    );
    let newId: string | undefined;
    try {
      const created = await client.call('POST', `/containers/create?name=${encodeURIComponent(name)}`, {
        body: body.create,
      });
      if (created.status !== 201)
        throw new BadRequestError(
          'The engine refused to create the container again',
          messageOf(created.body),
        );
      newId = String((created.body as Json)['Id']);
      for (const [network, endpoint] of extraNetworks)
        await this.expect(client, 'POST', `/networks/${encodeURIComponent(network)}/connect`, [200], {
          Container: newId,
          EndpointConfig: endpoint,
        });
      if (wasRunning) await this.expect(client, 'POST', `/containers/${newId}/start`, [204, 304]);
    } catch (e) {
      // Put the old one back as it was.
      if (newId) await client.call('DELETE', `/containers/${newId}?force=1`).catch(() => undefined);
      await client
        .call('POST', `/containers/${oldId}/rename?name=${encodeURIComponent(name)}`)
        .catch(() => undefined);
      if (wasRunning) await client.call('POST', `/containers/${oldId}/start`).catch(() => undefined);
      throw e;
    }
    await client.call('DELETE', `/containers/${oldId}?force=1`).catch(() => undefined);
    await this.controls.reassign(envId, ResourceControlType.Container, oldId, newId);
    this.checker.forget(image);
    return this.inspect(client, newId);
  }

  private async inspect(client: EngineClient, id: string): Promise<Json> {
    const answer = await client.call('GET', `/containers/${encodeURIComponent(id)}/json`);
    if (answer.status === 404)
      throw new NotFoundError('No such container', `No container ${id} on this environment`);
    if (answer.status !== 200)
      throw new BadGatewayError(`The engine answered ${answer.status}`, messageOf(answer.body));
    return answer.body as Json;
  }

  private async expect(
    client: EngineClient,
    method: string,
    path: string,
    ok: number[],
    body?: unknown,
  ): Promise<void> {
    const answer = await client.call(method, path, body === undefined ? {} : { body });
    if (!ok.includes(answer.status))
      throw new BadRequestError(
        `The engine refused ${method} ${path.split('?')[0]}`,
        `${answer.status}: ${messageOf(answer.body)}`,
      );
  }

  /** Pulls `image` with the stored registry it comes from; the engine's or registry's refusal as a 4xx. */
  private async pull(
    actor: AuthenticatedUser,
    envId: number,
    client: EngineClient,
    image: string,
  ): Promise<void> {
    if (!image || image.startsWith('sha256:'))
      throw new BadRequestError(
        'Cannot pull the image',
        `The container was created from ${image || 'no image'}`,
      );
    const auth = await this.registries.authForImage(actor, envId, image);
    const path = `/images/create?fromImage=${encodeURIComponent(image)}`;
    const { status, tail } = await new Promise<{ status: number; tail: string }>((resolve, reject) => {
      const req = client.request('POST', path, { 'x-registry-auth': auth.header }, (res) => {
        let kept = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          kept = (kept + chunk).slice(-PULL_TAIL_BYTES);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 502, tail: kept }));
        res.on('error', reject);
      });
      req.setTimeout(PULL_TIMEOUT_MS, () => req.destroy(new Error('the pull took too long')));
      req.on('error', (e) =>
        reject(new BadGatewayError('The engine could not be reached for the pull', e.message)),
      );
      req.end();
    });
    const error = status >= 200 && status < 300 ? pullStreamError(tail) : messageOf(safeJson(tail)) || tail;
    if (error === undefined) return;
    const who = auth.registry ?? splitImageHost(image).host;
    const refusal = registryRefusal(who, error);
    if (refusal) throw new BadRequestError(refusal.message, refusal.details);
    throw new BadRequestError(`Pulling ${image} failed`, error);
  }
}

/** The create body that gives the same container, and the networks to connect after it (API < 1.44: one). */
export function createBody(inspect: Json): { create: Json; extraNetworks: [string, Json][] } {
  const config = { ...((inspect['Config'] ?? {}) as Json) };
  const id = String(inspect['Id'] ?? '');
  // Docker's default hostname is the short id: the new container gets its own.
  if (config['Hostname'] === id.slice(0, 12)) delete config['Hostname'];
  const hostConfig = (inspect['HostConfig'] ?? {}) as Json;
  const mode = String(hostConfig['NetworkMode'] ?? '');
  const networks = ((inspect['NetworkSettings'] as Json | undefined)?.['Networks'] ?? {}) as Record<
    string,
    Json
  >;
  const endpoints: [string, Json][] = /^(host|none|container:)/.test(mode)
    ? []
    : Object.entries(networks).map(([name, n]) => [name, endpointConfig(n, id)]);
  const primary = mode && mode !== 'default' ? endpoints.findIndex(([n]) => n === mode) : 0;
  const first = endpoints.splice(Math.max(0, primary), 1);
  return {
    create: {
      ...config,
      HostConfig: hostConfig,
      NetworkingConfig: { EndpointsConfig: Object.fromEntries(first) },
    },
    extraNetworks: endpoints,
  };
}

function endpointConfig(n: Json, id: string): Json {
  const aliases = Array.isArray(n['Aliases'])
    ? (n['Aliases'] as string[]).filter((a) => a !== id.slice(0, 12))
    : n['Aliases'];
  return {
    IPAMConfig: n['IPAMConfig'] ?? null,
    Links: n['Links'] ?? null,
    Aliases: aliases ?? null,
    DriverOpts: n['DriverOpts'] ?? null,
  };
}

/** The error a pull's progress stream ended with (`{"error": …}` / `errorDetail`), if any. */
export function pullStreamError(stream: string): string | undefined {
  for (const line of stream.split('\n').reverse()) {
    const parsed = safeJson(line.trim()) as Json | undefined;
    if (parsed && typeof parsed['error'] === 'string') return parsed['error'];
  }
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function messageOf(body: unknown): string {
  const m = (body as { message?: unknown } | null | undefined)?.message;
  return typeof m === 'string' ? m : '';
}
