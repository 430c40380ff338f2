import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { EnvironmentType, Permission } from '@capstan/contracts-api';
import {
  type DockerEnvironment,
  FakeApi,
  SessionStore,
  provideFakeApi,
  userFactory,
} from '@capstan/portal-data-access';
import { ConfirmHost } from '@capstan/portal-ui';
import { beforeEach, describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../../shell/environment-context';
import { VolumeBrowserPage } from '../volumes/volume-browser-page';
import { HOST_HARDWARE_UNREADABLE, hostFacts, nodeFacts, sortDevices } from './host-facts';
import { HostPage } from './host-page';

const flush = () => new Promise((r) => setTimeout(r));

const INFO = {
  Name: 'node-a',
  OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  OSType: 'linux',
  Architecture: 'x86_64',
  KernelVersion: '6.1.0-18-amd64',
  NCPU: 4,
  MemTotal: 8 * 1024 ** 3,
  ServerVersion: '27.3.1',
  DockerRootDir: '/var/lib/docker',
  Driver: 'overlay2',
  LoggingDriver: 'json-file',
};
const HARDWARE = {
  PCIDevices: [
    { Vendor: 'Red Hat, Inc.', Name: 'Virtio network device' },
    { Vendor: 'Intel Corporation', Name: '440FX - 82441FX PMC [Natoma]' },
  ],
  PhysicalDisks: [{ Vendor: 'ATA', Size: 512_110_190_592 }],
};
const MEMBERS = [
  { IPAddress: '10.0.0.3', Port: '9001', NodeName: 'node3', NodeRole: 'worker', EdgeKeySet: false },
  { IPAddress: '10.0.0.1', Port: '9001', NodeName: 'node1', NodeRole: 'manager', EdgeKeySet: false },
];

function agentEnv(
  hostManagement: boolean,
  volumeBrowse: 'none' | 'read' | 'write' = 'write',
): DockerEnvironment {
  return {
    Id: 4,
    Name: 'agent',
    Type: EnvironmentType.Agent,
    Status: 1,
    Snapshots: [],
    SecuritySettings: { enableHostManagementFeatures: hostManagement },
    CapstanAccess: { RoleId: 1, Permissions: Object.values(Permission), VolumeBrowse: volumeBrowse },
  } as unknown as DockerEnvironment;
}

describe('host facts', () => {
  it("takes a Swarm node's facts from its /nodes entry", () => {
    expect(
      nodeFacts({
        ID: 'x',
        Spec: { Role: 'worker', Availability: 'active' },
        Description: {
          Hostname: 'node2',
          Resources: { NanoCPUs: 1_500_000_000, MemoryBytes: 2 * 1024 ** 3 },
        },
        Status: { State: 'down' },
      }).map((f) => [f.label, f.value]),
    ).toEqual([
      ['Hostname', 'node2'],
      ['CPUs', '1.5'],
      ['Memory', '2.0 GiB'],
      ['Swarm role', 'worker'],
      ['Availability', 'active'],
      ['Node status', 'down'],
    ]);
    expect(nodeFacts(undefined)).toEqual([]);
  });

  it('lists the engine host facts in order, leaving out what /info does not say', () => {
    expect(hostFacts({ ...INFO, Driver: '' }).map((f) => [f.label, f.value])).toEqual([
      ['Hostname', 'node-a'],
      ['Operating system', 'Debian GNU/Linux 12 (bookworm)'],
      ['OS type', 'linux'],
      ['Architecture', 'x86_64'],
      ['Kernel', '6.1.0-18-amd64'],
      ['CPUs', '4'],
      ['Memory', '8.0 GiB'],
      ['Docker version', '27.3.1'],
      ['Docker root directory', '/var/lib/docker'],
      ['Logging driver', 'json-file'],
    ]);
    expect(hostFacts(null)).toEqual([]);
  });

  it('sorts PCI devices by vendor and keeps null (unreadable) apart from empty', () => {
    expect(sortDevices(HARDWARE.PCIDevices)?.map((d) => d.Vendor)).toEqual([
      'Intel Corporation',
      'Red Hat, Inc.',
    ]);
    expect(sortDevices(null)).toBeNull();
    expect(sortDevices([])).toEqual([]);
  });
});

describe('HostPage', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi()
      .on('GET /api/endpoints/4/docker/info', { body: INFO })
      .on('GET /api/endpoints/4/docker/v2/host/info', { body: HARDWARE })
      .on('GET /api/endpoints/4/docker/v2/agents', {
        status: 503,
        body: { message: 'The agent is not in a cluster' },
      })
      .on('GET /api/endpoints/4/docker/v2/browse/ls', {
        body: [{ Name: 'etc', Size: 4096, Dir: true, ModTime: 1_700_000_000 }],
      });
  });

  async function setup(opts: { admin?: boolean; hostManagement?: boolean; node?: string } = {}) {
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([]), EnvironmentContext],
    });
    TestBed.inject(SessionStore).setUser(
      userFactory({ Id: 1, Username: 'admin', Role: opts.admin === false ? 2 : 1 }) as Parameters<
        SessionStore['setUser']
      >[0],
    );
    TestBed.inject(EnvironmentContext).setEnvironment(agentEnv(opts.hostManagement ?? false));
    const fixture = TestBed.createComponent(HostPage);
    if (opts.node) fixture.componentRef.setInput('node', opts.node);
    const confirm = TestBed.createComponent(ConfirmHost);
    document.body.append(fixture.nativeElement as HTMLElement, confirm.nativeElement as HTMLElement);
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      for (let i = 0; i < 6; i++) {
        fixture.detectChanges();
        await flush();
      }
    };
    await settle();
    return { el, byId, settle, fixture };
  }

  it('shows the host facts, the PCI devices (sorted) and the disks of a standalone agent, without a node picker', async () => {
    const { el, byId } = await setup();
    expect(byId('host-fact-os')?.textContent?.trim()).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(byId('host-fact-memory')?.textContent?.trim()).toBe('8.0 GiB');
    expect(byId('host-fact-root-dir')?.textContent?.trim()).toBe('/var/lib/docker');
    const pci = [...el.querySelectorAll('[data-testid="host-pci-table"] tbody tr')].map((r) =>
      [...r.querySelectorAll('td')].map((td) => td.textContent?.trim()),
    );
    expect(pci).toEqual([
      ['Intel Corporation', '440FX - 82441FX PMC [Natoma]'],
      ['Red Hat, Inc.', 'Virtio network device'],
    ]);
    expect(byId('host-disk-0')?.textContent).toContain('ATA');
    expect(byId('host-disk-0')?.textContent).toContain('512 GB');
    expect(byId('node-picker')).toBeNull();
    expect(api.last('GET /api/endpoints/4/docker/v2/host/info')?.search).toBe('');
  });

  it("says the agent cannot read the host's hardware when it reports null lists, and empty lists as empty", async () => {
    api.on('GET /api/endpoints/4/docker/v2/host/info', { body: { PCIDevices: null, PhysicalDisks: [] } });
    const { byId } = await setup();
    expect(byId('host-pci-unreadable')?.textContent?.trim()).toBe(HOST_HARDWARE_UNREADABLE);
    expect(byId('host-pci-table')).toBeNull();
    expect(byId('host-disks-empty')?.textContent).toContain('No physical disk found');
    expect(byId('host-fact-kernel')).not.toBeNull();
  });

  it('reports a refused host info call and still shows the engine facts', async () => {
    api.on('GET /api/endpoints/4/docker/v2/host/info', {
      status: 500,
      body: { message: 'Unable to retrieve host information', details: '' },
    });
    const { byId } = await setup();
    expect(byId('host-error')?.textContent).toContain(
      'the host hardware: Unable to retrieve host information',
    );
    expect(byId('host-fact-cpus')?.textContent?.trim()).toBe('4');
  });

  it('offers the host files to administrators only when host management features are on', async () => {
    const off = await setup({ hostManagement: false });
    expect(off.byId('host-files-off')?.textContent).toContain('Host management features');
    expect(off.byId('browse-table')).toBeNull();
    TestBed.resetTestingModule();

    const on = await setup({ hostManagement: true });
    expect(on.byId('browse-row-etc')).not.toBeNull();
    expect(on.byId('browse-crumbs')?.textContent).toContain('host');
    // Host mode: no volumeID (the server lets administrators browse the host).
    const ls = api.last('GET /api/endpoints/4/docker/v2/browse/ls');
    expect(Object.fromEntries(new URLSearchParams(ls?.search))).toEqual({ path: '/host' });
    // Paths stay relative to /host in the URL and the breadcrumb.
    on.fixture.componentRef.setInput('path', '/etc');
    await on.settle();
    expect(
      new URLSearchParams(api.last('GET /api/endpoints/4/docker/v2/browse/ls')?.search).get('path'),
    ).toBe('/host/etc');
    expect(on.byId('browse-crumb-/')?.textContent?.trim()).toBe('host');
    TestBed.resetTestingModule();

    const user = await setup({ admin: false, hostManagement: true });
    expect(user.byId('host-files')).toBeNull();
    expect(user.byId('host-fact-os')).not.toBeNull();
  });

  it('on a plain Docker environment says the host view needs an agent and asks nothing', async () => {
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([]), EnvironmentContext],
    });
    TestBed.inject(EnvironmentContext).setEnvironment({ ...agentEnv(true), Type: EnvironmentType.Docker });
    const fixture = TestBed.createComponent(HostPage);
    for (let i = 0; i < 4; i++) {
      fixture.detectChanges();
      await flush();
    }
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="host-not-agent"]')).not.toBeNull();
    expect(api.requests.filter((r) => r.path.includes('/docker/'))).toEqual([]);
  });

  it('on a Swarm agent moves to the first node, then asks that node for everything', async () => {
    api
      .on('GET /api/endpoints/4/docker/v2/agents', { body: MEMBERS })
      .on('GET /api/endpoints/4/docker/nodes', {
        body: [
          {
            ID: 'n3',
            Spec: { Role: 'worker', Availability: 'active' },
            Description: { Hostname: 'node3', Resources: { NanoCPUs: 1e9 } },
          },
          {
            ID: 'n1',
            Spec: { Role: 'manager', Availability: 'drain' },
            Description: {
              Hostname: 'node1',
              Platform: { OS: 'linux', Architecture: 'x86_64' },
              Resources: { NanoCPUs: 2e9, MemoryBytes: 4 * 1024 ** 3 },
              Engine: { EngineVersion: '27.3.1' },
            },
            Status: { State: 'ready', Addr: '10.0.0.1' },
          },
        ],
      });
    const { byId, fixture, settle } = await setup({ hostManagement: true });
    const router = TestBed.inject(Router);
    expect(router.url).toContain('node=node1');
    // Nothing was read before the node was known.
    expect(api.last('GET /api/endpoints/4/docker/v2/host/info')).toBeUndefined();
    fixture.componentRef.setInput('node', 'node1');
    await settle();
    const picker = byId<HTMLSelectElement>('node-picker')!;
    expect([...picker.options].map((o) => o.textContent?.trim())).toEqual([
      'node1 (manager)',
      'node3 (worker)',
    ]);
    expect(picker.value).toBe('node1');
    expect(picker.labels?.[0]?.textContent).toBe('Node');
    // /info would go to a manager whatever the target: the node's facts come from its /nodes entry.
    expect(api.last('GET /api/endpoints/4/docker/info')).toBeUndefined();
    expect(byId('host-fact-cpus')?.textContent?.trim()).toBe('2');
    expect(byId('host-fact-memory')?.textContent?.trim()).toBe('4.0 GiB');
    expect(byId('host-fact-availability')?.textContent?.trim()).toBe('drain');
    expect(byId('host-fact-docker')?.textContent?.trim()).toBe('27.3.1');
    for (const route of ['v2/host/info', 'v2/browse/ls']) {
      const call = api.last(`GET /api/endpoints/4/docker/${route}`);
      expect(new URLSearchParams(call?.search).get('nodeName'), route).toBe('node1');
    }
    picker.value = 'node3';
    picker.dispatchEvent(new Event('change'));
    await settle();
    expect(router.url).toContain('node=node3');
  });
});

describe('VolumeBrowserPage on a Swarm agent', () => {
  it('asks for the node of a volume opened without one, then browses it there', async () => {
    const api = new FakeApi()
      .on('GET /api/endpoints/4/docker/v2/agents', { body: MEMBERS })
      .on('GET /api/endpoints/4/docker/v2/browse/ls', { body: [] });
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([]), EnvironmentContext],
    });
    TestBed.inject(EnvironmentContext).setEnvironment(agentEnv(false));
    const fixture = TestBed.createComponent(VolumeBrowserPage);
    fixture.componentRef.setInput('name', 'data');
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      for (let i = 0; i < 6; i++) {
        fixture.detectChanges();
        await flush();
      }
    };
    await settle();
    expect(byId('node-picker-prompt')?.textContent).toContain('Choose the node that holds this volume');
    expect(byId('browse-table')).toBeNull();
    expect(api.last('GET /api/endpoints/4/docker/v2/browse/ls')).toBeUndefined();
    const picker = byId<HTMLSelectElement>('node-picker')!;
    picker.value = 'node3';
    picker.dispatchEvent(new Event('change'));
    await settle();
    expect(TestBed.inject(Router).url).toContain('node=node3');
    fixture.componentRef.setInput('node', 'node3');
    await settle();
    expect(byId('browse-empty')).not.toBeNull();
    const ls = api.last('GET /api/endpoints/4/docker/v2/browse/ls');
    expect(Object.fromEntries(new URLSearchParams(ls?.search))).toEqual({
      volumeID: 'data',
      nodeName: 'node3',
      path: '/',
    });
  });
});
