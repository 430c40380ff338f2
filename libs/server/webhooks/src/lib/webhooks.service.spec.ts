import { describe, expect, it } from 'vitest';
import { EnvironmentRoleId, ResourceControlType, UserRole } from '@capstan/contracts-api';
import { type ClockPort, NotFoundError, type AuthenticatedUser } from '@capstan/server-core';
import type { EngineConnection, EnvironmentsService } from '@capstan/server-environments';
import { EnvironmentAccess } from '@capstan/server-rbac';
import { ControlIndex, type ResourceControlsService } from '@capstan/server-resource-controls';
import type { RegistriesService } from '@capstan/server-registries';
import type { Repository } from 'typeorm';
import { WebhookEntity } from './entities/webhook.entity';
import { ServiceEnginePort, type EngineAnswer } from './service-engine.port';
import { newToken, retag, WebhooksService } from './webhooks.service';

const ADMIN = { id: 1, username: 'admin', role: UserRole.Administrator } as AuthenticatedUser;
const alice = (id = 2) =>
  ({ id, username: `user${id}`, role: UserRole.StandardUser, isTeamLeader: false }) as AuthenticatedUser;

function service(labels: Record<string, string> = {}) {
  return {
    ID: 'svc1',
    Version: { Index: 41 },
    Spec: {
      Name: 'web',
      Labels: labels,
      TaskTemplate: { ContainerSpec: { Image: 'registry:5000/team/web:1.0@sha256:abc' }, ForceUpdate: 2 },
    },
  };
}

class FakeEngine extends ServiceEnginePort {
  calls: { method: string; path: string; body?: unknown; headers?: Record<string, string> }[] = [];
  outOfSequence = 0;
  constructor(private readonly svc = service()) {
    super();
  }
  call(
    _c: EngineConnection,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<EngineAnswer> {
    this.calls.push({ method, path, body, headers });
    if (method === 'GET')
      return Promise.resolve(
        path === '/services/svc1'
          ? { status: 200, body: this.svc }
          : { status: 404, body: { message: 'no such service' } },
      );
    if (this.outOfSequence > 0) {
      this.outOfSequence--;
      return Promise.resolve({
        status: 500,
        body: { message: 'rpc error: code = Unknown desc = update out of sequence' },
      });
    }
    return Promise.resolve({ status: 200, body: {} });
  }
}

function fakeRepo(): Repository<WebhookEntity> {
  const rows: WebhookEntity[] = [];
  let next = 1;
  const match = (w: WebhookEntity, where: Partial<WebhookEntity>) =>
    Object.entries(where).every(([k, v]) => (w as unknown as Record<string, unknown>)[k] === v);
  return {
    create: (v: Partial<WebhookEntity>) => Object.assign(new WebhookEntity(), v),
    save: (w: WebhookEntity) => {
      if (!w.id) {
        w.id = next++;
        rows.push(w);
      }
      return Promise.resolve(w);
    },
    findOneBy: (where: Partial<WebhookEntity>) => Promise.resolve(rows.find((w) => match(w, where)) ?? null),
    find: ({ where }: { where: Partial<WebhookEntity> }) =>
      Promise.resolve(rows.filter((w) => match(w, where))),
    delete: ({ id }: { id: number }) => {
      rows.splice(
        rows.findIndex((w) => w.id === id),
        1,
      );
      return Promise.resolve({});
    },
  } as unknown as Repository<WebhookEntity>;
}

function setup(
  opts: {
    role?: EnvironmentRoleId;
    controls?: ConstructorParameters<typeof ControlIndex>[1];
    svc?: ReturnType<typeof service>;
  } = {},
) {
  const engine = new FakeEngine(opts.svc);
  const env = { id: 7, url: 'unix:///nowhere.sock' };
  const environments = {
    view: () => Promise.resolve(env),
    accessFor: (actor: AuthenticatedUser) =>
      Promise.resolve({
        env,
        access: new EnvironmentAccess(
          7,
          actor,
          actor.role === UserRole.Administrator ? undefined : opts.role,
          [],
        ),
      }),
    connectionOf: () => ({ url: env.url, tls: false, tlsSkipVerify: false, timeoutMs: 1000 }),
  } as unknown as EnvironmentsService;
  const controls = {
    index: () => Promise.resolve(new ControlIndex(7, opts.controls ?? [])),
  } as unknown as ResourceControlsService;
  let now = 1_000_000;
  const clock: ClockPort = { now: () => now };
  const registries = {
    credentialsForServer: (id: number) =>
      Promise.resolve(
        id === 5 ? { username: 'robot', password: 'pw', serveraddress: 'registry:5000' } : undefined,
      ),
    assertUsable: (actor: AuthenticatedUser, _env: number, id: number) =>
      actor.role === UserRole.Administrator || id === 5
        ? Promise.resolve()
        : Promise.reject(new NotFoundError('Unable to find a registry', `No registry ${id}`)),
  } as unknown as RegistriesService;
  const svc = new WebhooksService(fakeRepo(), environments, controls, engine, clock, registries);
  return { svc, engine, tick: (ms: number) => (now += ms) };
}

const owned = (userId: number) => [
  {
    Id: 1,
    ResourceId: 'svc1',
    SubResourceIds: [],
    Type: ResourceControlType.Service,
    UserAccesses: [{ UserId: userId, AccessLevel: 1 }],
    TeamAccesses: [],
    Public: false,
    AdministratorsOnly: false,
    System: false,
  },
];

describe('WebhooksService', () => {
  it('makes 128-bit tokens written like UUIDs, all different', () => {
    const tokens = new Set(Array.from({ length: 200 }, newToken));
    expect(tokens.size).toBe(200);
    for (const t of tokens)
      expect(t).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('retags an image: tag and digest dropped, registry port kept', () => {
    expect(retag('registry:5000/team/web:1.0@sha256:abc', '2.0')).toBe('registry:5000/team/web:2.0');
    expect(retag('registry:5000/web', 'x')).toBe('registry:5000/web:x');
    expect(retag('busybox', 'latest')).toBe('busybox:latest');
  });

  it('an administrator creates a webhook for the inspected service id; a second one conflicts', async () => {
    const { svc } = setup();
    const w = await svc.create(ADMIN, { ResourceID: 'svc1', EndpointID: 7, WebhookType: 1 });
    expect(w).toMatchObject({
      Id: 1,
      ResourceId: 'svc1',
      EndpointId: 7,
      Type: 1,
      WebhookType: 1,
      RegistryId: 0,
    });
    await expect(
      svc.create(ADMIN, { ResourceID: 'svc1', EndpointID: 7, WebhookType: 1 }),
    ).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      svc.create(ADMIN, { ResourceID: 'gone', EndpointID: 7, WebhookType: 1 }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a standard user needs to own the service; helpdesk never can', async () => {
    const notOwner = setup({ role: EnvironmentRoleId.StandardUser });
    await expect(
      notOwner.svc.create(alice(), { ResourceID: 'svc1', EndpointID: 7, WebhookType: 1 }),
    ).rejects.toMatchObject({ status: 403 });
    const owner = setup({ role: EnvironmentRoleId.StandardUser, controls: owned(2) });
    await expect(
      owner.svc.create(alice(), { ResourceID: 'svc1', EndpointID: 7, WebhookType: 1 }),
    ).resolves.toMatchObject({
      ResourceId: 'svc1',
    });
    const helpdesk = setup({ role: EnvironmentRoleId.Helpdesk, controls: owned(2) });
    await expect(
      helpdesk.svc.create(alice(), { ResourceID: 'svc1', EndpointID: 7, WebhookType: 1 }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('lists: environment administrators see all of the environment, others only their own', async () => {
    const { svc } = setup({ role: EnvironmentRoleId.StandardUser, controls: owned(2) });
    await svc.create(ADMIN, { ResourceID: 'svc1', EndpointID: 7, WebhookType: 1 });
    expect(await svc.list(alice(), {})).toEqual([]);
    expect(await svc.list(ADMIN, { EndpointID: 7 })).toHaveLength(1);
    expect(await svc.list(ADMIN, { EndpointID: 8 })).toHaveLength(0);
    await expect(svc.delete(alice(), 1)).rejects.toMatchObject({ status: 403 });
    await svc.delete(ADMIN, 1);
    expect(await svc.list(ADMIN, {})).toEqual([]);
  });

  it('the trigger bumps ForceUpdate and updates against the inspected version, retagging on ?tag=', async () => {
    const { svc, engine } = setup();
    const w = await svc.create(ADMIN, { ResourceID: 'svc1', EndpointID: 7, WebhookType: 1 });
    await svc.trigger(w.Token, undefined, '10.0.0.1');
    const update = engine.calls.at(-1);
    expect(update?.method).toBe('POST');
    expect(update?.path).toBe('/services/svc1/update?version=41');
    const spec = update?.body as ReturnType<typeof service>['Spec'];
    expect(spec.TaskTemplate.ForceUpdate).toBe(3);
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe('registry:5000/team/web:1.0@sha256:abc');
    expect(spec.Name).toBe('web');
    await svc.trigger(w.Token, 'v2', '10.0.0.1');
    expect((engine.calls.at(-1)?.body as typeof spec).TaskTemplate.ContainerSpec.Image).toBe(
      'registry:5000/team/web:v2',
    );
    await expect(svc.trigger(w.Token, '../x', '10.0.0.1')).rejects.toMatchObject({ status: 400 });
  });

  it("the trigger sends the stored registry's credentials; a user cannot attach a registry they may not use", async () => {
    const { svc, engine } = setup({ role: EnvironmentRoleId.StandardUser, controls: owned(2) });
    const w = await svc.create(ADMIN, { ResourceID: 'svc1', EndpointID: 7, WebhookType: 1, RegistryID: 5 });
    await svc.trigger(w.Token, 'v3', '10.0.0.1');
    const auth = engine.calls.at(-1)?.headers?.['X-Registry-Auth'] ?? '';
    expect(JSON.parse(Buffer.from(auth, 'base64').toString('utf8'))).toEqual({
      username: 'robot',
      password: 'pw',
      serveraddress: 'registry:5000',
    });
    await svc.setRegistry(ADMIN, w.Id, 0);
    await svc.trigger(w.Token, 'v4', '10.0.0.1');
    expect(engine.calls.at(-1)?.headers).toBeUndefined();
    const mine = setup({ role: EnvironmentRoleId.StandardUser, controls: owned(2) });
    await expect(
      mine.svc.create(alice(), { ResourceID: 'svc1', EndpointID: 7, WebhookType: 1, RegistryID: 6 }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('re-reads the service when the engine says the update is out of sequence, then gives up with 409', async () => {
    const { svc, engine } = setup();
    const w = await svc.create(ADMIN, { ResourceID: 'svc1', EndpointID: 7, WebhookType: 1 });
    engine.outOfSequence = 2;
    await svc.trigger(w.Token, undefined, '10.0.0.1');
    expect(engine.calls.filter((c) => c.method === 'GET')).toHaveLength(1 + 3);
    engine.outOfSequence = 10;
    await expect(svc.trigger(w.Token, undefined, '10.0.0.1')).rejects.toMatchObject({ status: 409 });
  });

  it('unknown tokens answer 404 without detail, then 429 for a guessing address', async () => {
    const { svc, tick } = setup();
    for (let i = 0; i < 20; i++)
      await expect(svc.trigger(newToken(), undefined, '10.0.0.9')).rejects.toMatchObject({
        status: 404,
        message: 'Webhook not found',
      });
    await expect(svc.trigger('not-a-token', undefined, '10.0.0.9')).rejects.toMatchObject({ status: 429 });
    await expect(svc.trigger('not-a-token', undefined, '10.0.0.10')).rejects.toMatchObject({ status: 404 });
    tick(60_000);
    await expect(svc.trigger('not-a-token', undefined, '10.0.0.9')).rejects.toMatchObject({ status: 404 });
  });

  it('one token is limited to 10 triggers a minute', async () => {
    const { svc, tick } = setup();
    const w = await svc.create(ADMIN, { ResourceID: 'svc1', EndpointID: 7, WebhookType: 1 });
    for (let i = 0; i < 10; i++) await svc.trigger(w.Token, undefined, `10.0.1.${i}`);
    await expect(svc.trigger(w.Token, undefined, '10.0.2.1')).rejects.toMatchObject({ status: 429 });
    tick(60_000);
    await expect(svc.trigger(w.Token, undefined, '10.0.2.1')).resolves.toBeUndefined();
  });
});
