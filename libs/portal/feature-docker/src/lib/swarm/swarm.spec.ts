import type { Type } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import { EnvironmentType, Permission } from '@capstan/contracts-api';
import { type DockerEnvironment, FakeApi, provideFakeApi } from '@capstan/portal-data-access';
import { ConfirmHost, ToastService } from '@capstan/portal-ui';
import { of } from 'rxjs';
import { beforeEach, describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../shell/environment-context';
import { swarmObjectBody, swarmObjectErrors } from './configs-page';
import { ServiceDetailPage } from './service-detail-page';
import { ServicesPage } from './services-page';
import { SwarmPage } from './swarm-page';
import {
  type ServiceForm,
  emptyServiceForm,
  imageParts,
  nodeMatches,
  nodeSpecWith,
  scaledSpec,
  serviceCreateBody,
  serviceFormErrors,
  serviceMatches,
  splitCommand,
  updatedSpec,
} from './swarm-models';

const flush = () => new Promise((r) => setTimeout(r));
const READ_ONLY = [Permission.EnvironmentRead, Permission.ResourcesRead];

function env(permissions: string[]): DockerEnvironment {
  return {
    Id: 3,
    Name: 'lab',
    Status: 1,
    Snapshots: [],
    CapstanAccess: { RoleId: 1, Permissions: permissions },
  } as unknown as DockerEnvironment;
}

function form(change: Partial<ServiceForm>): ServiceForm {
  return { ...emptyServiceForm(), name: 'web', image: 'capstan/busybox:local', ...change };
}

function service(name: string, replicas = 2) {
  return {
    ID: `id-${name}`,
    Version: { Index: 17 },
    UpdatedAt: '2026-11-23T03:00:00Z',
    Spec: {
      Name: name,
      Labels: {},
      TaskTemplate: { ContainerSpec: { Image: 'capstan/busybox:local@sha256:abc', Env: ['A=1'] } },
      Mode: { Replicated: { Replicas: replicas } },
    },
    ServiceStatus: { RunningTasks: 1, DesiredTasks: replicas },
  };
}

function node(id: string, hostname: string, role: 'manager' | 'worker') {
  return {
    ID: id,
    Version: { Index: 9 },
    Spec: { Role: role, Availability: 'active', Labels: { zone: 'a' } },
    Description: { Hostname: hostname, Engine: { EngineVersion: '20.10.24' } },
    Status: { State: 'ready', Addr: '10.0.0.1' },
    ...(role === 'manager' ? { ManagerStatus: { Leader: true } } : {}),
  };
}

describe('service create payload', () => {
  it('maps the form to a ServiceSpec: replicas, ports (host mode), mounts, env, networks, constraints, update config', () => {
    expect(
      serviceCreateBody(
        form({
          name: ' web ',
          command: `sh -c "echo 'hi there'; sleep 1"`,
          replicas: '3',
          ports: [
            { published: '8080', target: '80', protocol: 'tcp', mode: 'host' },
            { published: '', target: '53', protocol: 'udp', mode: 'ingress' },
          ],
          mounts: [{ type: 'volume', source: 'data', target: '/data', readOnly: true }],
          env: [
            { key: 'MODE', value: 'a=b' },
            { key: '', value: '' },
          ],
          networks: ['front', 'back'],
          constraints: 'node.role==worker\n\n node.labels.zone != b ',
          parallelism: '2',
          delay: '5',
          failureAction: 'rollback',
          order: 'start-first',
        }),
      ),
    ).toEqual({
      Name: 'web',
      TaskTemplate: {
        ContainerSpec: {
          Image: 'capstan/busybox:local',
          Args: ['sh', '-c', "echo 'hi there'; sleep 1"],
          Env: ['MODE=a=b'],
          Mounts: [{ Type: 'volume', Source: 'data', Target: '/data', ReadOnly: true }],
        },
        Placement: { Constraints: ['node.role==worker', 'node.labels.zone != b'] },
        Networks: [{ Target: 'front' }, { Target: 'back' }],
      },
      Mode: { Replicated: { Replicas: 3 } },
      UpdateConfig: { Parallelism: 2, Delay: 5_000_000_000, FailureAction: 'rollback', Order: 'start-first' },
      EndpointSpec: {
        Ports: [
          { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' },
          { Protocol: 'udp', TargetPort: 53, PublishMode: 'ingress' },
        ],
      },
    });
  });

  it('a global service has no replica count, and empty lists are left out', () => {
    const body = serviceCreateBody(form({ mode: 'global', replicas: 'x' }));
    expect(body.Mode).toEqual({ Global: {} });
    expect(body.TaskTemplate).toEqual({ ContainerSpec: { Image: 'capstan/busybox:local' } });
    expect(body.EndpointSpec).toBeUndefined();
    expect(serviceFormErrors(form({ mode: 'global', replicas: 'x' }))).toEqual({});
  });

  it('names what is wrong', () => {
    expect(
      serviceFormErrors(
        form({
          name: '-bad',
          image: '',
          replicas: '-1',
          ports: [{ published: '70000', target: '80', protocol: 'tcp', mode: 'ingress' }],
          mounts: [{ type: 'bind', source: 'relative', target: '/x', readOnly: false }],
          env: [{ key: 'A B', value: '1' }],
          constraints: 'node.role=worker',
          parallelism: 'x',
          delay: '-1',
        }),
      ),
    ).toEqual({
      name: expect.stringContaining('letters') as unknown,
      image: expect.stringContaining('required') as unknown,
      replicas: expect.stringContaining('Replicas') as unknown,
      ports: expect.stringContaining('1–65535') as unknown,
      mounts: expect.stringContaining('absolute') as unknown,
      env: expect.stringContaining('name') as unknown,
      constraints: expect.stringContaining('node.role=worker') as unknown,
      parallelism: expect.stringContaining('Parallelism') as unknown,
      delay: expect.stringContaining('Delay') as unknown,
    });
  });

  it('splits commands without a shell', () => {
    expect(splitCommand(`a "b c" 'd e' f\\"g`)).toEqual(['a', 'b c', 'd e', 'f\\"g']);
  });

  it('scale and update keep the rest of the spec', () => {
    const spec = service('web').Spec as unknown as Parameters<typeof scaledSpec>[0];
    expect(scaledSpec(spec, 5)).toEqual({ ...spec, Mode: { Replicated: { Replicas: 5 } } });
    const updated = updatedSpec(spec, { image: ' img:2 ', env: [{ key: 'B', value: '2' }] });
    expect(updated.TaskTemplate.ContainerSpec).toEqual({ Image: 'img:2', Env: ['B=2'] });
    expect(updated.Mode).toEqual(spec.Mode);
    expect(() => scaledSpec({ ...spec, Mode: { Global: {} } }, 2)).toThrow();
  });

  it('node changes send the whole spec with one field changed', () => {
    const spec = node('n1', 'node1', 'worker').Spec as Parameters<typeof nodeSpecWith>[0];
    expect(nodeSpecWith(spec, { Availability: 'drain' })).toEqual({
      Role: 'worker',
      Availability: 'drain',
      Labels: { zone: 'a' },
    });
  });

  it('configs and secrets: base64 data, validated name and size', () => {
    expect(swarmObjectBody(' app.conf ', 'héllo')).toEqual({ Name: 'app.conf', Data: 'aMOpbGxv' });
    expect(swarmObjectErrors('', '')).toEqual({
      name: expect.stringContaining('letters') as unknown,
      data: 'The content is empty.',
    });
    expect(swarmObjectErrors('ok', 'x'.repeat(600 * 1024)).data).toBe('At most 500 KB.');
  });
});

describe('list helpers', () => {
  it('image references wrap only after a "/", never inside a name or tag; the digest is dropped', () => {
    expect(imageParts('capstan/busybox:local@sha256:abc')).toEqual(['capstan/', 'busybox:local']);
    expect(imageParts('127.0.0.1:5000/team/app:1.2')).toEqual(['127.0.0.1:5000/', 'team/', 'app:1.2']);
    expect(imageParts('nginx')).toEqual(['nginx']);
  });

  it('the filter boxes match names, images, modes, roles, addresses and labels', () => {
    const web = service('web') as never;
    expect(serviceMatches(web, '  WEB ')).toBe(true);
    expect(serviceMatches(web, 'busybox')).toBe(true);
    expect(serviceMatches(web, 'replicated')).toBe(true);
    expect(serviceMatches(web, 'sha256')).toBe(false);
    expect(serviceMatches(web, '')).toBe(true);
    const n = node('n1', 'node1', 'manager') as never;
    for (const q of ['node1', 'Manager', 'active', 'ready', '10.0.0.1', 'zone=a'])
      expect(nodeMatches(n, q)).toBe(true);
    expect(nodeMatches(n, 'worker')).toBe(false);
  });
});

/** The header labels of the columns the table hides on narrow screens. */
function secondary(table: HTMLElement): (string | undefined)[] {
  return [...table.querySelectorAll('th.secondary')].map((th) =>
    th.textContent?.replace(/[↕▲▼]/g, '').trim(),
  );
}

describe('Swarm pages', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi()
      .on('GET /api/endpoints/3/docker/services', {
        body: [
          service('web'),
          {
            ...service('api', 1),
            Portainer: { ResourceControl: { Id: 1, Public: true, UserAccesses: [], TeamAccesses: [] } },
          },
        ],
      })
      .on('GET /api/endpoints/3/docker/swarm', {
        body: {
          ID: 'swarm-1',
          Version: { Index: 1 },
          JoinTokens: { Worker: 'SWMTKN-w', Manager: 'SWMTKN-m' },
        },
      })
      .on('GET /api/endpoints/3/docker/nodes', {
        body: [node('n2', 'node2', 'worker'), node('n1', 'node1', 'manager'), node('n3', 'node3', 'worker')],
      });
  });

  async function setup<T>(component: Type<T>, permissions: string[], params: Record<string, string> = {}) {
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        provideRouter([]),
        EnvironmentContext,
        {
          provide: ActivatedRoute,
          useValue: {
            snapshot: { paramMap: convertToParamMap(params), data: {} },
            paramMap: of(convertToParamMap({ envId: '3' })),
          },
        },
      ],
    });
    TestBed.inject(EnvironmentContext).setEnvironment(env(permissions));
    const fixture = TestBed.createComponent(component);
    const host = TestBed.createComponent(ConfirmHost);
    document.body.append(fixture.nativeElement as HTMLElement, host.nativeElement as HTMLElement);
    const el = fixture.nativeElement as HTMLElement;
    const byId = <E extends HTMLElement>(id: string) => el.querySelector<E>(`[data-testid="${id}"]`);
    const settle = async () => {
      for (let i = 0; i < 4; i++) {
        fixture.detectChanges();
        host.detectChanges();
        await flush();
      }
    };
    await settle();
    return { el, byId, settle, component: fixture.componentInstance };
  }

  it('services: running/desired from the status, scale posts the spec against its version', async () => {
    api.on('POST /api/endpoints/3/docker/services/id-web/update', { body: { Warnings: null } });
    const { byId, settle } = await setup(ServicesPage, Object.values(Permission));
    expect(api.last('GET /api/endpoints/3/docker/services')?.search).toBe('?status=true');
    expect(byId('service-replicas-web')?.textContent?.trim()).toBe('1 / 2');
    expect(byId('service-row-web')?.textContent).toContain('capstan/busybox:local');
    expect(byId('service-row-web')?.textContent).not.toContain('sha256');
    expect(byId('service-ownership-api')?.textContent?.trim()).toBe('Public');
    const input = byId<HTMLInputElement>('service-scale-input-web')!;
    input.value = '4';
    byId<HTMLButtonElement>('service-scale-web')!.click();
    await settle();
    const sent = api.last('POST /api/endpoints/3/docker/services/id-web/update');
    expect(sent?.search).toBe('?version=17');
    expect((sent?.body as { Mode: unknown; Name: string }).Mode).toEqual({ Replicated: { Replicas: 4 } });
    expect((sent?.body as { Name: string }).Name).toBe('web');
  });

  it('services: create from the dialog posts the form body', async () => {
    api.on('POST /api/endpoints/3/docker/services/create', { status: 201, body: { ID: 'new' } });
    const { byId, settle } = await setup(ServicesPage, Object.values(Permission));
    byId<HTMLButtonElement>('service-create')!.click();
    await settle();
    const type = (id: string, value: string) => {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    type('service-name', 'cache');
    type('service-image', 'capstan/busybox:local');
    type('service-command', 'sleep 3600');
    type('service-replicas', '3');
    byId<HTMLButtonElement>('service-port-add')!.click();
    await settle();
    type('service-port-published-0', '8080');
    type('service-port-target-0', '80');
    const mode = byId<HTMLSelectElement>('service-port-mode-0')!;
    mode.value = 'host';
    mode.dispatchEvent(new Event('change'));
    await settle();
    byId<HTMLButtonElement>('service-save')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/3/docker/services/create')?.body).toMatchObject({
      Name: 'cache',
      TaskTemplate: { ContainerSpec: { Image: 'capstan/busybox:local', Args: ['sleep', '3600'] } },
      Mode: { Replicated: { Replicas: 3 } },
      EndpointSpec: {
        Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }],
      },
    });
    expect(byId('service-dialog')).toBeNull();
  });

  it('services: the shared table — header cells, sorting, the filter box, the image cut after "/" only', async () => {
    const { byId, settle } = await setup(ServicesPage, Object.values(Permission));
    const table = byId('services-table')!;
    expect(
      [...table.querySelectorAll('th')].map((th) => th.textContent?.replace(/[↕▲▼]/g, '').trim()),
    ).toEqual(['Name', 'Mode', 'Replicas', 'Image', 'Ports', 'Updated', 'Ownership', 'Actions']);
    // Hidden on a phone (the table's secondary columns); the image then shows under the name.
    expect(secondary(table)).toEqual(['Mode', 'Image', 'Ports', 'Updated', 'Ownership']);
    expect(byId('service-row-web')?.querySelector('td .phone-only')?.textContent?.trim()).toBe(
      'capstan/busybox:local',
    );
    const names = () => [...table.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-testid'));
    expect(names()).toEqual(['service-row-api', 'service-row-web']);
    const sortByName = [...table.querySelectorAll<HTMLButtonElement>('th button')].find((b) =>
      b.textContent?.includes('Name'),
    )!;
    sortByName.click();
    sortByName.click();
    await settle();
    expect(names()).toEqual(['service-row-web', 'service-row-api']);
    const image = byId('service-row-web')!.querySelectorAll('td')[3];
    expect(image.textContent?.trim()).toBe('capstan/busybox:local');
    expect(image.querySelectorAll('wbr')).toHaveLength(2);
    const search = byId<HTMLInputElement>('services-search')!;
    search.value = 'we';
    search.dispatchEvent(new Event('input'));
    await settle();
    expect(names()).toEqual(['service-row-web']);
    search.value = 'nothing-like-it';
    search.dispatchEvent(new Event('input'));
    await settle();
    expect(table.querySelector('td.empty')?.textContent?.trim()).toBe('No service matches the search.');
  });

  it('services: an empty Swarm says so in the table', async () => {
    api.on('GET /api/endpoints/3/docker/services', { body: [] });
    const { byId } = await setup(ServicesPage, Object.values(Permission));
    expect(byId('services-empty')?.textContent?.trim()).toBe('No services.');
  });

  it('services: Enter in the replicas box scales like the button', async () => {
    api.on('POST /api/endpoints/3/docker/services/id-web/update', { body: { Warnings: null } });
    const { byId, settle } = await setup(ServicesPage, Object.values(Permission));
    const input = byId<HTMLInputElement>('service-scale-input-web')!;
    input.value = '4';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await settle();
    const sent = api.last('POST /api/endpoints/3/docker/services/id-web/update');
    expect((sent?.body as { Mode: unknown }).Mode).toEqual({ Replicated: { Replicas: 4 } });
    expect(
      TestBed.inject(ToastService)
        .toasts()
        .map((t) => t.message),
    ).toContain('web scaled to 4');
  });

  it('services: a read-only role sees no create, scale or remove', async () => {
    const { byId } = await setup(ServicesPage, READ_ONLY);
    expect(byId('service-row-web')).not.toBeNull();
    expect(byId('service-create')).toBeNull();
    expect(byId('service-scale-web')).toBeNull();
    expect(byId('service-remove-web')).toBeNull();
  });

  it('swarm: counts, tokens for administrators, availability and promotion payloads', async () => {
    api.on('POST /api/endpoints/3/docker/nodes/n2/update', { body: {} });
    const { byId, settle, component } = await setup(SwarmPage, Object.values(Permission));
    expect(byId('swarm-id')?.textContent).toBe('swarm-1');
    expect(byId('swarm-managers')?.textContent).toBe('1');
    expect(byId('swarm-workers')?.textContent).toBe('2');
    expect(byId('swarm-join-tokens')?.textContent).toContain('SWMTKN-w');
    const select = byId<HTMLSelectElement>('node-availability-node2')!;
    select.value = 'drain';
    select.dispatchEvent(new Event('change'));
    await settle();
    const drained = api.last('POST /api/endpoints/3/docker/nodes/n2/update');
    expect(drained?.search).toBe('?version=9');
    expect(drained?.body).toEqual({ Role: 'worker', Availability: 'drain', Labels: { zone: 'a' } });
    await component.update(node('n2', 'node2', 'worker') as never, { Role: 'manager' });
    expect(api.last('POST /api/endpoints/3/docker/nodes/n2/update')?.body).toEqual({
      Role: 'manager',
      Availability: 'active',
      Labels: { zone: 'a' },
    });
    expect(byId('node-demote-node1')).not.toBeNull();
    expect(byId('node-promote-node2')).not.toBeNull();
  });

  it('swarm: the cluster facts are labelled terms, the nodes a sortable, filterable table', async () => {
    const { el, byId, settle } = await setup(SwarmPage, Object.values(Permission));
    const facts = [...el.querySelectorAll('[data-testid="swarm-overview"] .facts > div')].map((d) => [
      d.querySelector('dt')?.textContent?.trim(),
      d.querySelector('dd')?.textContent?.trim(),
    ]);
    expect(facts.slice(0, 3)).toEqual([
      ['Cluster id', 'swarm-1'],
      ['Managers', '1'],
      ['Workers', '2'],
    ]);
    const table = byId('swarm-nodes')!;
    expect(
      [...table.querySelectorAll('th')].map((th) => th.textContent?.replace(/[↕▲▼]/g, '').trim()),
    ).toEqual(['Name', 'Role', 'Availability', 'Status', 'Engine', 'Address', 'Labels', 'Actions']);
    // On a phone Role and Status hide with the secondary columns and show under the name instead.
    expect(secondary(table)).toEqual(['Role', 'Status', 'Engine', 'Address', 'Labels']);
    const under = byId('node-row-node1')!.querySelector('td .phone-only')!;
    expect(under.textContent?.trim()).toMatch(/^manager/);
    expect([...under.querySelectorAll('.badge')].map((b) => b.textContent?.trim())).toEqual([
      'leader',
      'ready',
    ]);
    const rows = () => [...table.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-testid'));
    expect(rows()).toEqual(['node-row-node1', 'node-row-node2', 'node-row-node3']);
    expect(byId('node-role-node1')?.textContent).toContain('leader');
    expect(byId('node-availability-node2')?.getAttribute('aria-label')).toBe('Availability of node2');
    const search = byId<HTMLInputElement>('nodes-search')!;
    search.value = 'worker';
    search.dispatchEvent(new Event('input'));
    await settle();
    expect(rows()).toEqual(['node-row-node2', 'node-row-node3']);
  });

  it('swarm: a read-only role sees the nodes but no tokens and no actions', async () => {
    const { byId } = await setup(SwarmPage, READ_ONLY);
    expect(byId('node-row-node3')).not.toBeNull();
    expect(byId('swarm-join-tokens')).toBeNull();
    expect(byId('node-availability-node2')).toBeNull();
    expect(byId('node-promote-node2')).toBeNull();
    expect([...byId('swarm-nodes')!.querySelectorAll('th')].map((th) => th.textContent)).not.toContain(
      'Actions',
    );
    // Not an agent environment: no host view to link to.
    expect(byId('node-host-node3')).toBeNull();
  });

  it('swarm on an agent environment: each node links to its host view', async () => {
    const { byId, settle } = await setup(SwarmPage, READ_ONLY);
    TestBed.inject(EnvironmentContext).setEnvironment({ ...env(READ_ONLY), Type: EnvironmentType.Agent });
    await settle();
    expect(byId('node-host-node3')?.getAttribute('href')).toBe('/environments/3/docker/host?node=node3');
    expect(byId('node-host-node1')?.getAttribute('aria-label')).toBe('Host view of node1');
  });

  it('service page: tasks grouped by node, rolling update and webhook toggle', async () => {
    api
      .on('GET /api/endpoints/3/docker/services/id-web', { body: service('web') })
      .on('GET /api/endpoints/3/docker/tasks', {
        body: [
          {
            ID: 'task1aaaaaaaaaa',
            ServiceID: 'id-web',
            NodeID: 'n2',
            Slot: 1,
            DesiredState: 'running',
            Version: { Index: 1 },
            Status: { State: 'running' },
          },
          {
            ID: 'task2aaaaaaaaaa',
            ServiceID: 'id-web',
            NodeID: 'n3',
            Slot: 2,
            DesiredState: 'running',
            Version: { Index: 1 },
            Status: { State: 'preparing' },
          },
          {
            ID: 'task3aaaaaaaaaa',
            ServiceID: 'id-web',
            NodeID: 'n3',
            Slot: 2,
            DesiredState: 'shutdown',
            Version: { Index: 1 },
            Status: { State: 'failed' },
          },
        ],
      })
      .on('GET /api/webhooks', { body: [] })
      .on('POST /api/webhooks', { body: { Id: 5, Token: 'tok-1' } })
      .on('POST /api/endpoints/3/docker/services/id-web/update', { body: {} });
    const { byId, settle } = await setup(ServiceDetailPage, Object.values(Permission), {
      serviceId: 'id-web',
    });
    expect(
      JSON.parse(decodeURIComponent(api.last('GET /api/endpoints/3/docker/tasks')!.search.split('=')[1])),
    ).toEqual({
      service: ['id-web'],
    });
    expect(byId('service-node-node2')?.textContent).toContain('running');
    expect(byId('service-node-node3')?.textContent).toContain('preparing');
    expect(byId('task-task3aaaaaaa')).toBeNull();

    const image = byId<HTMLInputElement>('service-update-image')!;
    expect(image.value).toBe('capstan/busybox:local');
    image.value = 'capstan/busybox:v2';
    image.dispatchEvent(new Event('input'));
    await settle();
    byId<HTMLButtonElement>('service-update')!.click();
    await settle();
    const sent = api.last('POST /api/endpoints/3/docker/services/id-web/update');
    expect(sent?.search).toBe('?version=17');
    expect((sent?.body as { TaskTemplate: unknown }).TaskTemplate).toEqual({
      ContainerSpec: { Image: 'capstan/busybox:v2', Env: ['A=1'] },
    });

    byId<HTMLInputElement>('service-webhook-toggle')!.click();
    await settle();
    expect(api.last('POST /api/webhooks')?.body).toEqual({
      ResourceID: 'id-web',
      EndpointID: 3,
      WebhookType: 1,
    });
    expect(byId('service-webhook-url')?.textContent).toContain('/api/webhooks/tok-1');
  });
});
