import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { type DockerEnvironment, FakeApi, provideFakeApi } from '@capstan/portal-data-access';
import { of } from 'rxjs';
import { beforeEach, describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../shell/environment-context';
import { ServicesPage } from './services-page';
import {
  type NetworkListItem,
  emptyServiceForm,
  pickedNetworks,
  serviceCreateBody,
  serviceNetworkChoices,
} from './swarm-models';

const flush = () => new Promise((r) => setTimeout(r));

function network(name: string, driver: string, scope: string, extra: Partial<NetworkListItem> = {}) {
  return { Id: `id-${name}`, Name: name, Driver: driver, Scope: scope, ...extra };
}

/** What a manager's `GET /networks` holds: the local defaults, the ingress, a few swarm-scoped networks. */
const MANAGER_NETWORKS = [
  network('bridge', 'bridge', 'local'),
  network('host', 'host', 'local'),
  network('docker_gwbridge', 'bridge', 'local'),
  network('ingress', 'overlay', 'swarm', { Ingress: true }),
  network('front', 'overlay', 'swarm'),
  network('backend', 'overlay', 'swarm'),
  network('lan', 'macvlan', 'swarm'),
  network('scratch', 'bridge', 'local'),
];

describe('the networks a service can join', () => {
  it('keeps the swarm-scoped networks but the ingress, sorted by name', () => {
    expect(serviceNetworkChoices(MANAGER_NETWORKS)).toEqual([
      { name: 'backend', driver: 'overlay' },
      { name: 'front', driver: 'overlay' },
      { name: 'lan', driver: 'macvlan' },
    ]);
  });

  it('an ingress network under another name is left out by its flag; a Swarm agent’s repeats count once', () => {
    const perNode = [network('front', 'overlay', 'swarm'), network('front', 'overlay', 'swarm')];
    expect(
      serviceNetworkChoices([...perNode, network('mesh', 'overlay', 'swarm', { Ingress: true })]),
    ).toEqual([{ name: 'front', driver: 'overlay' }]);
    expect(serviceNetworkChoices([network('bridge', 'bridge', 'local')])).toEqual([]);
  });

  it('ticked networks follow the list order; one removed since is dropped', () => {
    const choices = serviceNetworkChoices(MANAGER_NETWORKS);
    expect(pickedNetworks(['front'], choices, { name: 'backend', on: true })).toEqual(['backend', 'front']);
    expect(pickedNetworks(['backend', 'front'], choices, { name: 'backend', on: false })).toEqual(['front']);
    expect(pickedNetworks(['gone', 'lan'], choices)).toEqual(['lan']);
  });

  it('the create body names each ticked network as a Target; none, no Networks key', () => {
    const form = { ...emptyServiceForm(), name: 'web', image: 'capstan/busybox:local' };
    expect(serviceCreateBody({ ...form, networks: ['backend', 'front'] }).TaskTemplate.Networks).toEqual([
      { Target: 'backend' },
      { Target: 'front' },
    ]);
    expect(serviceCreateBody(form).TaskTemplate).not.toHaveProperty('Networks');
  });
});

describe('the Add service dialog', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi()
      .on('GET /api/endpoints/3/docker/services', { body: [] })
      .on('GET /api/endpoints/3/docker/networks', { body: MANAGER_NETWORKS })
      .on('POST /api/endpoints/3/docker/services/create', { status: 201, body: { ID: 'new' } });
  });

  async function open() {
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        provideRouter([]),
        EnvironmentContext,
        {
          provide: ActivatedRoute,
          useValue: {
            snapshot: { paramMap: convertToParamMap({}), data: {} },
            paramMap: of(convertToParamMap({ envId: '3' })),
          },
        },
      ],
    });
    TestBed.inject(EnvironmentContext).setEnvironment({
      Id: 3,
      Name: 'lab',
      Status: 1,
      Snapshots: [],
      CapstanAccess: { RoleId: 1, Permissions: Object.values(Permission) },
    } as unknown as DockerEnvironment);
    const fixture = TestBed.createComponent(ServicesPage);
    document.body.append(fixture.nativeElement as HTMLElement);
    const el = fixture.nativeElement as HTMLElement;
    const byId = <E extends HTMLElement>(id: string) => el.querySelector<E>(`[data-testid="${id}"]`);
    const settle = async () => {
      for (let i = 0; i < 4; i++) {
        fixture.detectChanges();
        await flush();
      }
    };
    await settle();
    byId<HTMLButtonElement>('service-create')!.click();
    await settle();
    const type = (id: string, value: string) => {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    const tick = (name: string) => {
      const box = byId<HTMLInputElement>(`service-network-${name}`)!;
      box.click();
    };
    const boxes = () =>
      [...el.querySelectorAll<HTMLInputElement>('[data-testid^="service-network-"][type="checkbox"]')].map(
        (b) => b.dataset['testid'],
      );
    const networkRequests = () =>
      api.requests.filter((r) => r.method === 'GET' && r.path === '/api/endpoints/3/docker/networks').length;
    const detect = () => fixture.detectChanges();
    return { el, byId, settle, detect, type, tick, boxes, networkRequests };
  }

  it('lists the swarm networks as labelled checkboxes with their driver, and sends the ticked ones', async () => {
    const { byId, settle, type, tick, boxes } = await open();
    expect(boxes()).toEqual(['service-network-backend', 'service-network-front', 'service-network-lan']);
    const front = byId<HTMLInputElement>('service-network-front')!;
    expect(front.closest('label')?.textContent?.replace(/\s+/g, ' ').trim()).toBe('front, driver overlay');
    expect(front.closest('fieldset')?.querySelector('legend')?.textContent?.trim()).toBe('Networks');
    expect(front.checked).toBe(false);

    type('service-name', 'web');
    type('service-image', 'capstan/busybox:local');
    tick('lan');
    tick('front');
    await settle();
    expect(byId<HTMLInputElement>('service-network-front')!.checked).toBe(true);
    byId<HTMLButtonElement>('service-save')!.click();
    await settle();
    const body = api.last('POST /api/endpoints/3/docker/services/create')?.body as {
      TaskTemplate: { Networks?: unknown };
    };
    expect(body.TaskTemplate.Networks).toEqual([{ Target: 'front' }, { Target: 'lan' }]);
    expect(byId('service-dialog')).toBeNull();
  });

  it('untick removes a network; none ticked sends no Networks', async () => {
    const { byId, settle, type, tick } = await open();
    type('service-name', 'web');
    type('service-image', 'capstan/busybox:local');
    tick('front');
    tick('front');
    await settle();
    byId<HTMLButtonElement>('service-save')!.click();
    await settle();
    const body = api.last('POST /api/endpoints/3/docker/services/create')?.body as {
      TaskTemplate: Record<string, unknown>;
    };
    expect(body.TaskTemplate).not.toHaveProperty('Networks');
  });

  it('says so when there is no overlay network, and Refresh finds one created since', async () => {
    api.on('GET /api/endpoints/3/docker/networks', { body: MANAGER_NETWORKS.slice(0, 4) });
    const { byId, settle, detect, boxes, networkRequests } = await open();
    expect(boxes()).toEqual([]);
    const empty = byId('service-networks-empty')!;
    expect(empty.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'No overlay networks — create one on the Networks page.',
    );
    expect(empty.querySelector('a')?.getAttribute('href')).toBe('/environments/3/docker/networks');

    api.on('GET /api/endpoints/3/docker/networks', { body: MANAGER_NETWORKS.slice(0, 5) });
    const refresh = byId<HTMLButtonElement>('service-networks-refresh')!;
    refresh.click();
    detect();
    // Busy but never disabled while loading: a disabled button drops a keyboard user's focus out of the dialog.
    expect([refresh.disabled, refresh.getAttribute('aria-busy')]).toEqual([false, 'true']);
    await settle();
    expect(networkRequests()).toBe(2);
    expect(refresh.getAttribute('aria-busy')).toBeNull();
    expect(boxes()).toEqual(['service-network-front']);
    expect(byId('service-networks-empty')).toBeNull();
  });

  it('a refresh drops a ticked network removed meanwhile; a failed list says why', async () => {
    const { byId, settle, type, tick, boxes } = await open();
    tick('backend');
    tick('front');
    api.on('GET /api/endpoints/3/docker/networks', {
      body: MANAGER_NETWORKS.filter((n) => n.Name !== 'backend'),
    });
    byId<HTMLButtonElement>('service-networks-refresh')!.click();
    await settle();
    expect(boxes()).toEqual(['service-network-front', 'service-network-lan']);
    type('service-name', 'web');
    type('service-image', 'capstan/busybox:local');
    byId<HTMLButtonElement>('service-save')!.click();
    await settle();
    expect(
      (
        api.last('POST /api/endpoints/3/docker/services/create')?.body as {
          TaskTemplate: { Networks: unknown };
        }
      ).TaskTemplate.Networks,
    ).toEqual([{ Target: 'front' }]);

    api.on('GET /api/endpoints/3/docker/networks', {
      status: 502,
      body: { message: 'Unable to reach the Docker engine', details: 'node1' },
    });
    byId<HTMLButtonElement>('service-create')!.click();
    await settle();
    expect(byId('service-networks-error')?.textContent).toContain('Could not load the networks');
    expect(byId('service-networks-error')?.getAttribute('role')).toBe('alert');
  });

  it('every control of the dialog has a name: labels, aria-labels or the row’s own label', async () => {
    const { el, byId, settle } = await open();
    byId<HTMLButtonElement>('service-port-add')!.click();
    byId<HTMLButtonElement>('service-mount-add')!.click();
    byId<HTMLButtonElement>('service-env-add')!.click();
    await settle();
    const dialog = byId('service-dialog')!;
    // The wide dialog (48rem): a port or a mount on one line on a wide screen.
    expect(dialog.classList.contains('wide')).toBe(true);
    const unnamed = [...dialog.querySelectorAll<HTMLElement>('input, select, textarea, button')].filter(
      (c) =>
        !c.getAttribute('aria-label') &&
        !c.closest('label') &&
        !(c.id && el.querySelector(`label[for="${c.id}"]`)) &&
        !(c.tagName === 'BUTTON' && c.textContent?.trim()),
    );
    expect(unnamed.map((c) => c.outerHTML.slice(0, 80))).toEqual([]);
    expect(byId('service-port-published-0')?.getAttribute('aria-label')).toBe('Published port 1');
    expect(byId('service-mount-remove-0')?.getAttribute('aria-label')).toBe('Remove mount 1');
    // A filled box keeps a visible caption.
    const captions = (id: string) =>
      [...byId(id)!.closest('.item')!.querySelectorAll('.caption')].map((c) => c.textContent?.trim());
    expect(captions('service-port-target-0')).toEqual(['Published', 'Target', 'Protocol', 'Publish mode']);
    expect(captions('service-mount-target-0')).toEqual(['Type', 'Source', 'Target']);
    // Update config: label above the control, one field per grid cell.
    const grid = dialog.querySelector('.update-grid')!;
    expect([...grid.querySelectorAll('label')].map((l) => l.textContent?.trim())).toEqual([
      'Parallelism',
      'Delay (s)',
      'On failure',
      'Order',
    ]);
  });

  it('a refused submit brings the first problem into view and focuses its field', async () => {
    const { byId, settle } = await open();
    byId<HTMLButtonElement>('service-save')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/3/docker/services/create')).toBeUndefined();
    const name = byId<HTMLInputElement>('service-name')!;
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(name);
  });

  it('a wrong port or mount field is marked invalid, described by its section’s error, and focused', async () => {
    const { byId, settle, type } = await open();
    type('service-name', 'web');
    type('service-image', 'capstan/busybox:local');
    byId<HTMLButtonElement>('service-port-add')!.click();
    byId<HTMLButtonElement>('service-mount-add')!.click();
    await settle();
    type('service-port-published-0', '8080');
    type('service-port-target-0', '70000');
    type('service-mount-source-0', 'data');
    type('service-mount-target-0', 'relative');
    byId<HTMLButtonElement>('service-save')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/3/docker/services/create')).toBeUndefined();
    const invalid = (id: string) => byId(id)?.getAttribute('aria-invalid');
    expect([
      invalid('service-port-published-0'),
      invalid('service-port-target-0'),
      invalid('service-mount-source-0'),
      invalid('service-mount-target-0'),
    ]).toEqual([null, 'true', null, 'true']);
    const target = byId<HTMLInputElement>('service-port-target-0')!;
    expect(document.getElementById(target.getAttribute('aria-describedby')!)?.textContent).toContain(
      '1–65535',
    );
    expect(document.activeElement).toBe(target);

    type('service-port-target-0', '80');
    await settle();
    expect(invalid('service-port-target-0')).toBeNull();
  });
});
