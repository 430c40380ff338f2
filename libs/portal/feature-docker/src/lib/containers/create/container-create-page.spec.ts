import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  ContainersApi,
  ImagesApi,
  DockerEnvironmentApi,
  FakeApi,
  SessionStore,
  provideFakeApi,
  userFactory,
} from '@capstan/portal-data-access';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../../shell/environment-context';
import { envFactory, inspectFactory } from '../testing/factories';
import { ContainerCreatePage } from './container-create-page';
import { emptyForm } from './container-form';
import { recreateContainer } from './create-flow';

const flush = () => new Promise((r) => setTimeout(r));
const D = '/api/endpoints/7/docker';

describe('ContainerCreatePage', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi()
      .on('GET /api/users/me', { body: userFactory({ Id: 5, Username: 'alice', Role: 2 }) })
      .on('GET /api/users/5/memberships', { body: [] })
      .on('GET /api/users', { body: [userFactory({ Id: 5, Username: 'alice', Role: 2 })] })
      .on('GET /api/teams', { body: [] })
      .on(`GET ${D}/networks`, { body: [{ Name: 'bridge' }, { Name: 'backend' }] })
      .on(`GET ${D}/volumes`, { body: { Volumes: [{ Name: 'cache' }] } })
      .on(`GET ${D}/images/json`, { body: [{ RepoTags: ['capstan/busybox:local'] }] })
      .on(`GET ${D}/images/capstan/busybox:local/json`, { body: { Id: 'sha256:x' } })
      .on(`POST ${D}/containers/create`, {
        status: 201,
        body: { Id: 'new-id', Warnings: [], Portainer: { ResourceControl: { Id: 42 } } },
      })
      .on('PUT /api/resource_controls/42', { body: { Id: 42 } })
      .on(`POST ${D}/containers/new-id/start`, { status: 204 });
  });

  afterEach(() => document.body.replaceChildren());

  async function setup() {
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([{ path: '**', children: [] }]), EnvironmentContext],
    });
    await TestBed.inject(SessionStore).refresh();
    TestBed.inject(EnvironmentContext).setEnvironment(envFactory(Object.values(Permission)));
    const fixture = TestBed.createComponent(ContainerCreatePage);
    document.body.append(fixture.nativeElement as HTMLElement);
    fixture.detectChanges();
    await flush();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const type = (id: string, value: string) => {
      const input = byId<HTMLInputElement | HTMLTextAreaElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    const settle = async () => {
      fixture.detectChanges();
      await flush();
      await flush();
      fixture.detectChanges();
    };
    return { fixture, el, byId, type, settle };
  }

  it('edits variables, labels and volumes on the shared row editors, a problem told under its row', async () => {
    const { byId, type, settle } = await setup();
    type('create-image', 'capstan/busybox:local');
    byId<HTMLButtonElement>('env-add')!.click();
    byId<HTMLButtonElement>('label-add')!.click();
    byId<HTMLButtonElement>('volume-add')!.click();
    await settle();
    type('env-key-0', 'BAD NAME');
    type('env-value-0', '1');
    type('label-key-0', 'capstan.e2e');
    type('label-value-0', 'form');
    type('volume-source-0', 'data');
    type('volume-target-0', 'relative');
    byId<HTMLButtonElement>('create-submit')!.click();
    await settle();
    expect(api.last(`POST ${D}/containers/create`)).toBeUndefined();
    expect(byId('env-error-0')?.textContent).toContain('A variable name is needed');
    expect(byId('label-error-0')).toBeNull();
    expect(document.getElementById('volume-error-0')?.textContent).toContain('must be absolute');
    expect(byId('volume-remove-0')?.getAttribute('aria-label')).toBe('Remove volume 1');

    type('env-key-0', 'GOOD');
    type('volume-target-0', '/data');
    byId<HTMLInputElement>('volume-readonly-0')!.click();
    byId<HTMLButtonElement>('create-submit')!.click();
    await settle();
    await settle();
    expect(api.last(`POST ${D}/containers/create`)?.body).toMatchObject({
      Env: ['GOOD=1'],
      Labels: { 'capstan.e2e': 'form' },
      HostConfig: { Binds: ['data:/data:ro'] },
    });
  });

  it('creates from the form, then sets the chosen ownership and starts the container', async () => {
    const { byId, type, settle } = await setup();
    type('create-image', 'capstan/busybox:local');
    type('create-name', 'hello');
    type('create-command', 'sh -c "echo hello-capstan; sleep 3600"');
    byId<HTMLButtonElement>('port-add')!.click();
    await settle();
    type('port-host-0', '18080');
    type('port-container-0', '80');
    byId<HTMLButtonElement>('env-paste-toggle')!.click();
    await settle();
    type('env-paste', 'A=1\nexport B="two"\n');
    byId<HTMLButtonElement>('env-paste-apply')!.click();
    await settle();
    byId<HTMLInputElement>('ownership-public')!.click();
    await settle();
    byId<HTMLButtonElement>('create-submit')!.click();
    await settle();
    await settle();

    const create = api.last(`POST ${D}/containers/create`);
    expect(create?.search).toBe('?name=hello');
    expect(create?.body).toMatchObject({
      Image: 'capstan/busybox:local',
      Cmd: ['sh', '-c', 'echo hello-capstan; sleep 3600'],
      Env: ['A=1', 'B=two'],
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '18080' }] } },
    });
    // The image exists: checked, not pulled.
    expect(api.last(`GET ${D}/images/capstan/busybox:local/json`)).toBeDefined();
    expect(api.requests.some((r) => r.path === `${D}/images/create`)).toBe(false);
    expect(api.last('PUT /api/resource_controls/42')?.body).toEqual({
      Public: true,
      AdministratorsOnly: false,
      Users: [],
      Teams: [],
    });
    expect(api.last(`POST ${D}/containers/new-id/start`)).toBeDefined();
  });

  it('shows the engine error and does not call the API with an invalid form', async () => {
    api.on(`POST ${D}/containers/create`, {
      status: 409,
      body: { message: 'Conflict. The container name "/hello" is already in use' },
    });
    const { byId, type, settle, el } = await setup();
    byId<HTMLButtonElement>('create-submit')!.click();
    await settle();
    expect(byId('create-image-error')?.textContent).toContain('Enter an image');
    expect(api.last(`POST ${D}/containers/create`)).toBeUndefined();
    type('create-image', 'capstan/busybox:local');
    type('create-name', 'hello');
    byId<HTMLButtonElement>('create-submit')!.click();
    await settle();
    await settle();
    expect(el.querySelector('[data-testid="create-error"]')?.textContent).toContain('already in use');
    expect(api.last('PUT /api/resource_controls/42')).toBeUndefined();
  });
});

describe('edit = recreate', () => {
  it('rolls back (new one removed, old renamed back and restarted) when the new one fails to start', async () => {
    const old = inspectFactory({ Id: 'old-id', Name: '/web' });
    const api = new FakeApi()
      .on(`POST ${D}/containers/old-id/stop`, { status: 204 })
      .on(`POST ${D}/containers/old-id/rename`, { status: 204 })
      .on(`POST ${D}/containers/create`, { status: 201, body: { Id: 'new-id' } })
      .on(`POST ${D}/containers/new-id/start`, {
        status: 500,
        body: { message: 'port is already allocated' },
      })
      .on(`DELETE ${D}/containers/new-id`, { status: 204 })
      .on(`POST ${D}/containers/old-id/start`, { status: 204 });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
    const deps = {
      containers: TestBed.inject(ContainersApi),
      images: TestBed.inject(ImagesApi),
      environments: TestBed.inject(DockerEnvironmentApi),
      envId: 7,
      me: 5,
      progress: () => undefined,
    };
    const form = { ...emptyForm(), name: 'web', image: 'nginx:1.27', pullIfMissing: false };
    await expect(recreateContainer(deps, old, form)).rejects.toThrow('port is already allocated');
    const calls = api.requests.map((r) => `${r.method} ${r.path.replace(D, '')}${r.search}`);
    expect(calls[0]).toBe('POST /containers/old-id/stop');
    expect(calls[1]).toMatch(/^POST \/containers\/old-id\/rename\?name=web-capstan-old-/);
    expect(calls.slice(2)).toEqual([
      'POST /containers/create?name=web',
      'POST /containers/new-id/start',
      'DELETE /containers/new-id?force=1',
      'POST /containers/old-id/rename?name=web',
      'POST /containers/old-id/start',
    ]);
  });

  it('removes the old container once the new one runs', async () => {
    const old = inspectFactory({ Id: 'old-id', Name: '/web' });
    const api = new FakeApi()
      .on(`POST ${D}/containers/old-id/stop`, { status: 204 })
      .on(`POST ${D}/containers/old-id/rename`, { status: 204 })
      .on(`POST ${D}/containers/create`, { status: 201, body: { Id: 'new-id' } })
      .on(`POST ${D}/containers/new-id/start`, { status: 204 })
      .on(`DELETE ${D}/containers/old-id`, { status: 204 });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
    const deps = {
      containers: TestBed.inject(ContainersApi),
      images: TestBed.inject(ImagesApi),
      environments: TestBed.inject(DockerEnvironmentApi),
      envId: 7,
      me: 5,
      progress: () => undefined,
    };
    const id = await recreateContainer(deps, old, {
      ...emptyForm(),
      name: 'web',
      image: 'nginx:1.28',
      pullIfMissing: false,
    });
    expect(id).toBe('new-id');
    expect(api.last(`DELETE ${D}/containers/old-id`)?.search).toBe('?force=1');
  });
});
