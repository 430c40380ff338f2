import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  type DockerEnvironment,
  FakeApi,
  networkCreateBody,
  networkFormErrors,
  provideFakeApi,
} from '@capstan/portal-data-access';
import { ConfirmHost } from '@capstan/portal-ui';
import { beforeEach, describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../../shell/environment-context';
import { NetworkDetailPage } from './network-detail-page';
import { NetworksPage } from './networks-page';

const flush = () => new Promise((r) => setTimeout(r));

function network(name: string, subnet?: string, extra: Record<string, unknown> = {}) {
  return {
    Id: `${name}-id`,
    Name: name,
    Driver: name === 'host' || name === 'none' ? name : 'bridge',
    Scope: 'local',
    IPAM: {
      Driver: 'default',
      Config: subnet ? [{ Subnet: subnet, Gateway: subnet.replace(/0\/\d+$/, '1') }] : [],
    },
    ...extra,
  };
}

function env(permissions: string[]): DockerEnvironment {
  return {
    Id: 5,
    Name: 'local',
    Status: 1,
    Snapshots: [],
    CapstanAccess: { RoleId: 1, Permissions: permissions },
  } as unknown as DockerEnvironment;
}

const FORM = {
  name: 'backend',
  driver: 'bridge',
  subnet: '',
  gateway: '',
  ipRange: '',
  internal: false,
  attachable: false,
  labels: [],
};

describe('network create payload', () => {
  it('puts subnet, gateway and IP range in one IPAM config', () => {
    expect(
      networkCreateBody({
        ...FORM,
        subnet: '172.28.0.0/16',
        gateway: '172.28.0.1',
        ipRange: '172.28.5.0/24',
        internal: true,
        attachable: true,
        labels: [{ key: 'env', value: 'test' }],
      }),
    ).toEqual({
      Name: 'backend',
      Driver: 'bridge',
      CheckDuplicate: true,
      Internal: true,
      Attachable: true,
      Labels: { env: 'test' },
      IPAM: {
        Driver: 'default',
        Config: [{ Subnet: '172.28.0.0/16', Gateway: '172.28.0.1', IPRange: '172.28.5.0/24' }],
        Options: {},
      },
    });
  });

  it('sends no IPAM config without a subnet and checks the addresses', () => {
    expect(networkCreateBody(FORM).IPAM.Config).toEqual([]);
    expect(networkFormErrors({ ...FORM, subnet: '172.28.0.0', gateway: '300.1.1.1' })).toEqual({
      subnet: 'Use CIDR notation, e.g. 172.28.0.0/16.',
      gateway: 'Use an IPv4 address.',
    });
    expect(networkFormErrors({ ...FORM, gateway: '10.0.0.1' }).subnet).toBe(
      'A gateway or IP range needs a subnet.',
    );
    expect(networkFormErrors({ ...FORM, name: 'bridge' }).name).toContain('predefined');
    expect(networkFormErrors({ ...FORM, subnet: 'fd00:dead::/64' })).toEqual({});
  });
});

describe('NetworksPage', () => {
  let api: FakeApi;
  let networks: ReturnType<typeof network>[];

  beforeEach(() => {
    networks = [
      network('bridge', '172.17.0.0/16'),
      network('host'),
      network('none'),
      network('app', '10.9.0.0/24'),
    ];
    api = new FakeApi().on('GET /api/endpoints/5/docker/networks', () => ({ body: networks }));
  });

  async function setup(permissions: string[] = Object.values(Permission)) {
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([]), EnvironmentContext],
    });
    TestBed.inject(EnvironmentContext).setEnvironment(env(permissions));
    const fixture = TestBed.createComponent(NetworksPage);
    const host = TestBed.createComponent(ConfirmHost);
    document.body.append(fixture.nativeElement as HTMLElement, host.nativeElement as HTMLElement);
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      for (let i = 0; i < 4; i++) {
        fixture.detectChanges();
        host.detectChanges();
        await flush();
      }
    };
    const type = (id: string, value: string) => {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    await settle();
    return { el, byId, settle, type };
  }

  it('marks system networks and offers no removal for them', async () => {
    const { byId } = await setup();
    for (const name of ['bridge', 'host', 'none']) {
      expect(byId(`network-system-${name}`)).not.toBeNull();
      expect(byId(`network-remove-${name}`)).toBeNull();
    }
    expect(byId('network-system-app')).toBeNull();
    expect(byId('network-remove-app')).not.toBeNull();
    expect(byId('network-row-app')?.textContent).toContain('10.9.0.0/24');
  });

  it('creates a network with IPAM from the dialog', async () => {
    api.on('POST /api/endpoints/5/docker/networks/create', (req) => {
      const body = req.body as { Name: string; IPAM: { Config: { Subnet: string }[] } };
      networks = [...networks, network(body.Name, body.IPAM.Config[0]?.Subnet)];
      return { status: 201, body: { Id: `${body.Name}-id`, Warning: '' } };
    });
    const { byId, settle, type } = await setup();
    byId<HTMLButtonElement>('network-create')!.click();
    await settle();
    type('network-name', 'backend');
    type('network-subnet', '172.28.0.0/16');
    type('network-gateway', '172.28.0.1');
    type('network-ip-range', '172.28.5.0/24');
    byId<HTMLInputElement>('network-attachable')!.click();
    await settle();
    byId<HTMLButtonElement>('network-save')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/5/docker/networks/create')?.body).toMatchObject({
      Name: 'backend',
      Driver: 'bridge',
      Attachable: true,
      Internal: false,
      IPAM: { Config: [{ Subnet: '172.28.0.0/16', Gateway: '172.28.0.1', IPRange: '172.28.5.0/24' }] },
    });
    expect(byId('network-dialog')).toBeNull();
    expect(byId('network-row-backend')?.textContent).toContain('172.28.0.0/16');
  });

  it('restricts a new network to the chosen users and teams', async () => {
    api
      .on('GET /api/users', {
        body: [
          { Id: 1, Username: 'admin', Role: 1 },
          { Id: 2, Username: 'bob', Role: 2 },
        ],
      })
      .on('GET /api/teams', { body: [{ Id: 5, Name: 'ops' }] })
      .on('POST /api/endpoints/5/docker/networks/create', {
        status: 201,
        body: {
          Id: 'n1',
          Warning: '',
          Portainer: { ResourceControl: { Id: 77, UserAccesses: [], TeamAccesses: [] } },
        },
      })
      .on('PUT /api/resource_controls/77', { body: { Id: 77 } });
    const { el, byId, settle, type } = await setup();
    byId<HTMLButtonElement>('network-create')!.click();
    await settle();
    type('network-name', 'shared');
    byId<HTMLInputElement>('network-ownership-restricted')!.click();
    await settle();
    // Nobody chosen yet: refused before the engine is called.
    byId<HTMLButtonElement>('network-save')!.click();
    await settle();
    expect(el.textContent).toContain('Choose at least one user or team.');
    expect(api.last('POST /api/endpoints/5/docker/networks/create')).toBeUndefined();
    const users = byId<HTMLSelectElement>('network-ownership-users')!;
    users.options[1].selected = true;
    users.dispatchEvent(new Event('change'));
    const teams = byId<HTMLSelectElement>('network-ownership-teams')!;
    teams.options[0].selected = true;
    teams.dispatchEvent(new Event('change'));
    await settle();
    byId<HTMLButtonElement>('network-save')!.click();
    await settle();
    expect(api.last('PUT /api/resource_controls/77')?.body).toEqual({
      Public: false,
      AdministratorsOnly: false,
      Users: [2],
      Teams: [5],
    });
  });

  it('refuses a malformed subnet before calling the engine', async () => {
    const { el, byId, settle, type } = await setup();
    byId<HTMLButtonElement>('network-create')!.click();
    await settle();
    type('network-name', 'backend');
    type('network-subnet', '172.28.0.0');
    byId<HTMLButtonElement>('network-save')!.click();
    await settle();
    expect(el.textContent).toContain('Use CIDR notation');
    expect(api.last('POST /api/endpoints/5/docker/networks/create')).toBeUndefined();
  });

  it('hides create and remove from a read-only role', async () => {
    const { byId } = await setup([Permission.EnvironmentRead, Permission.ResourcesRead]);
    expect(byId('network-create')).toBeNull();
    expect(byId('network-remove-app')).toBeNull();
  });
});

describe('NetworkDetailPage', () => {
  it('connects a container with a fixed IPv4 and disconnects one', async () => {
    const api = new FakeApi()
      .on('GET /api/endpoints/5/docker/networks/app-id', {
        body: network('app', '10.9.0.0/24', {
          Containers: { c1: { Name: 'web', IPv4Address: '10.9.0.2/24', MacAddress: '02:42:0a:09:00:02' } },
        }),
      })
      .on('GET /api/endpoints/5/docker/containers/json', {
        body: [
          { Id: 'c1', Names: ['/web'], Image: 'x', ImageID: 'x', State: 'running' },
          { Id: 'c2', Names: ['/db'], Image: 'x', ImageID: 'x', State: 'running' },
        ],
      })
      .on('POST /api/endpoints/5/docker/networks/app-id/connect', { status: 200, body: {} })
      .on('POST /api/endpoints/5/docker/networks/app-id/disconnect', { status: 200, body: {} });
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([]), EnvironmentContext],
    });
    TestBed.inject(EnvironmentContext).setEnvironment(env(Object.values(Permission)));
    const fixture = TestBed.createComponent(NetworkDetailPage);
    fixture.componentRef.setInput('id', 'app-id');
    const host = TestBed.createComponent(ConfirmHost);
    document.body.append(fixture.nativeElement as HTMLElement, host.nativeElement as HTMLElement);
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      for (let i = 0; i < 4; i++) {
        fixture.detectChanges();
        host.detectChanges();
        await flush();
      }
    };
    await settle();
    expect(byId('network-container-web')?.textContent).toContain('10.9.0.2/24');
    // Only containers not yet connected are offered.
    const select = byId<HTMLSelectElement>('network-connect-container')!;
    expect([...select.options].map((o) => o.value)).toEqual(['', 'c2']);
    select.value = 'c2';
    select.dispatchEvent(new Event('change'));
    const ip = byId<HTMLInputElement>('network-connect-ipv4')!;
    ip.value = '10.9.0.50';
    ip.dispatchEvent(new Event('input'));
    byId<HTMLButtonElement>('network-connect-submit')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/5/docker/networks/app-id/connect')?.body).toEqual({
      Container: 'c2',
      EndpointConfig: { IPAMConfig: { IPv4Address: '10.9.0.50' } },
    });

    byId<HTMLButtonElement>('network-disconnect-web')!.click();
    await settle();
    document.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/5/docker/networks/app-id/disconnect')?.body).toEqual({
      Container: 'c1',
      Force: false,
    });
  });
});
