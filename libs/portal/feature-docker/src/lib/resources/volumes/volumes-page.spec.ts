import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  type DockerEnvironment,
  FakeApi,
  provideFakeApi,
  volumeCreateBody,
  volumeFormErrors,
} from '@capstan/portal-data-access';
import { ConfirmHost } from '@capstan/portal-ui';
import { beforeEach, describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../../shell/environment-context';
import { VolumesPage } from './volumes-page';

const flush = () => new Promise((r) => setTimeout(r));

function volume(name: string, driver = 'local') {
  return { Name: name, Driver: driver, Mountpoint: `/var/lib/docker/volumes/${name}/_data`, Scope: 'local' };
}

function env(
  permissions: string[],
  down = false,
  volumeBrowse?: 'none' | 'read' | 'write',
): DockerEnvironment {
  return {
    Id: 3,
    Name: 'local',
    Status: down ? 2 : 1,
    Snapshots: down ? [{ Time: 1_700_000_000 }] : [],
    CapstanAccess: {
      RoleId: 1,
      Permissions: permissions,
      ...(volumeBrowse ? { VolumeBrowse: volumeBrowse } : {}),
    },
  } as unknown as DockerEnvironment;
}

describe('volume create payload', () => {
  it('keeps driver options and labels as maps, drops blank keys, omits an empty name', () => {
    expect(
      volumeCreateBody({
        name: '  ',
        driver: '',
        driverOpts: [
          { key: 'type', value: 'tmpfs' },
          { key: ' device ', value: 'tmpfs' },
          { key: '', value: '' },
        ],
        labels: [{ key: 'team', value: 'a' }],
      }),
    ).toEqual({ Driver: 'local', DriverOpts: { type: 'tmpfs', device: 'tmpfs' }, Labels: { team: 'a' } });
  });

  it('flags an option value without a name and a bad volume name', () => {
    expect(
      volumeFormErrors({ name: '-x', driver: 'local', driverOpts: [{ key: '', value: 'x' }], labels: [] }),
    ).toEqual({
      name: expect.stringContaining('letters') as unknown,
      driverOpts: 'Every option with a value needs a name.',
    });
  });
});

describe('VolumesPage', () => {
  let api: FakeApi;
  let volumes: ReturnType<typeof volume>[];

  beforeEach(() => {
    volumes = [volume('data'), volume('cache')];
    api = new FakeApi()
      .on('GET /api/endpoints/3/docker/volumes', () => ({ body: { Volumes: volumes, Warnings: null } }))
      .on('GET /api/endpoints/3/docker/containers/json', {
        body: [
          {
            Id: 'c1',
            Names: ['/db'],
            Image: 'x',
            ImageID: 'sha256:x',
            State: 'running',
            Mounts: [{ Type: 'volume', Name: 'data', Destination: '/var/lib/db' }],
          },
        ],
      });
  });

  let volumeBrowse: 'none' | 'read' | 'write' | undefined;
  beforeEach(() => (volumeBrowse = undefined));

  async function setup(permissions: string[] = Object.values(Permission), headers?: Record<string, string>) {
    if (headers)
      api.on('GET /api/endpoints/3/docker/volumes', () => ({ body: { Volumes: volumes }, headers }));
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([]), EnvironmentContext],
    });
    TestBed.inject(EnvironmentContext).setEnvironment(env(permissions, false, volumeBrowse));
    const fixture = TestBed.createComponent(VolumesPage);
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

  it('offers Browse (with the Swarm node of the volume) only when the server grants the volume browser', async () => {
    let page = await setup();
    expect(page.byId('volume-browse-data')).toBeNull();
    TestBed.resetTestingModule();
    volumeBrowse = 'read';
    volumes = [
      { ...volume('data'), Portainer: { Agent: { NodeName: 'node2' } } } as ReturnType<typeof volume>,
    ];
    page = await setup();
    const link = page.byId<HTMLAnchorElement>('volume-browse-data');
    expect(link?.getAttribute('href')).toBe('/volumes/data/browse?node=node2');
  });

  it('warns when Swarm nodes are missing from the list (X-Capstan-Agent-Unreachable)', async () => {
    const { byId } = await setup(undefined, { 'X-Capstan-Agent-Unreachable': 'node3,node2' });
    expect(byId('volume-unreachable')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Nodes node2 and node3 did not answer: this list misses their volumes.',
    );
    TestBed.resetTestingModule();
    const page = await setup(undefined, {});
    expect(page.byId('volume-unreachable')).toBeNull();
  });

  it('lists volumes with the containers that mount them', async () => {
    const { byId } = await setup();
    expect(byId('volume-row-data')?.textContent).toContain('db');
    expect(byId('volume-unused-cache')).not.toBeNull();
    expect(byId('volume-unused-data')).toBeNull();
  });

  it('creates a volume with driver options and labels from the dialog', async () => {
    api.on('POST /api/endpoints/3/docker/volumes/create', (req) => {
      const body = req.body as { Name: string; Driver: string };
      volumes = [...volumes, volume(body.Name, body.Driver)];
      return { status: 201, body: volumes[2] };
    });
    const { byId, settle, type } = await setup();
    byId<HTMLButtonElement>('volume-create')!.click();
    await settle();
    type('volume-name', 'scratch');
    byId<HTMLButtonElement>('volume-opt-add')!.click();
    await settle();
    type('volume-opt-key-0', 'type');
    type('volume-opt-value-0', 'tmpfs');
    byId<HTMLButtonElement>('volume-opt-add')!.click();
    await settle();
    type('volume-opt-key-1', 'o');
    type('volume-opt-value-1', 'size=64m');
    byId<HTMLButtonElement>('volume-label-add')!.click();
    await settle();
    type('volume-label-key-0', 'team');
    type('volume-label-value-0', 'qa');
    await settle();
    byId<HTMLButtonElement>('volume-save')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/3/docker/volumes/create')?.body).toEqual({
      Name: 'scratch',
      Driver: 'local',
      DriverOpts: { type: 'tmpfs', o: 'size=64m' },
      Labels: { team: 'qa' },
    });
    expect(byId('volume-dialog')).toBeNull();
    expect(byId('volume-row-scratch')).not.toBeNull();
  });

  it('applies the chosen ownership to the resource control named in the create response', async () => {
    api
      .on('POST /api/endpoints/3/docker/volumes/create', {
        status: 201,
        body: {
          ...volume('shared'),
          Portainer: { ResourceControl: { Id: 42, UserAccesses: [], TeamAccesses: [] } },
        },
      })
      .on('PUT /api/resource_controls/42', { body: { Id: 42 } });
    const { byId, settle, type } = await setup();
    byId<HTMLButtonElement>('volume-create')!.click();
    await settle();
    type('volume-name', 'shared');
    // Administrators-only is offered to administrators alone (this session is not one).
    expect(byId('volume-ownership-administrators')).toBeNull();
    byId<HTMLInputElement>('volume-ownership-public')!.click();
    await settle();
    byId<HTMLButtonElement>('volume-save')!.click();
    await settle();
    expect(api.last('PUT /api/resource_controls/42')?.body).toEqual({
      Public: true,
      AdministratorsOnly: false,
      Users: [],
      Teams: [],
    });
  });

  it('leaves the default private ownership alone (no extra call)', async () => {
    api.on('POST /api/endpoints/3/docker/volumes/create', {
      status: 201,
      body: {
        ...volume('mine'),
        Portainer: { ResourceControl: { Id: 43, UserAccesses: [], TeamAccesses: [] } },
      },
    });
    const { byId, settle, type } = await setup();
    byId<HTMLButtonElement>('volume-create')!.click();
    await settle();
    type('volume-name', 'mine');
    byId<HTMLButtonElement>('volume-save')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/3/docker/volumes/create')).toBeDefined();
    expect(api.requests.some((r) => r.path.startsWith('/api/resource_controls'))).toBe(false);
  });

  it('shows the engine error in the dialog', async () => {
    api.on('POST /api/endpoints/3/docker/volumes/create', {
      status: 500,
      body: { message: 'error while mounting volume: invalid argument' },
    });
    const { el, byId, settle, type } = await setup();
    byId<HTMLButtonElement>('volume-create')!.click();
    await settle();
    type('volume-name', 'broken');
    byId<HTMLButtonElement>('volume-save')!.click();
    await settle();
    expect(el.querySelector('[data-testid="alert-error"]')?.textContent).toContain('invalid argument');
    expect(byId('volume-dialog')).not.toBeNull();
  });

  it('removes a volume after confirmation', async () => {
    api.on('DELETE /api/endpoints/3/docker/volumes/cache', () => {
      volumes = volumes.filter((v) => v.Name !== 'cache');
      return { status: 204 };
    });
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('volume-remove-cache')!.click();
    await settle();
    document.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]')!.click();
    await settle();
    expect(api.last('DELETE /api/endpoints/3/docker/volumes/cache')).toBeDefined();
    expect(byId('volume-row-cache')).toBeNull();
  });

  it('is read-only when the list comes from a snapshot (the shell shows the banner)', async () => {
    const { byId } = await setup(Object.values(Permission), {
      'X-Capstan-Snapshot': '2026-11-20T10:00:00.000Z',
    });
    expect(TestBed.inject(EnvironmentContext).snapshotTime()).toBe('2026-11-20T10:00:00.000Z');
    expect(byId('volume-row-data')).not.toBeNull();
    for (const id of ['volume-create', 'volume-prune', 'volume-remove-data']) expect(byId(id)).toBeNull();
  });

  it('hides create, remove and prune from a read-only role', async () => {
    const { byId } = await setup([Permission.EnvironmentRead, Permission.ResourcesRead]);
    expect(byId('volume-row-data')).not.toBeNull();
    for (const id of ['volume-create', 'volume-prune', 'volume-remove-data']) expect(byId(id)).toBeNull();
  });
});
