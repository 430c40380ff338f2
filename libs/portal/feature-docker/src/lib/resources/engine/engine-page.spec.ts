import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { type DockerEnvironment, FakeApi, provideFakeApi } from '@capstan/portal-data-access';
import { describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../../shell/environment-context';
import { EnginePage, engineSections, isPodman } from './engine-page';

const flush = () => new Promise((r) => setTimeout(r));

const INFO = {
  Name: 'host-1',
  ServerVersion: '20.10.24',
  OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  OSType: 'linux',
  Architecture: 'x86_64',
  KernelVersion: '6.1.0',
  NCPU: 2,
  MemTotal: 25_000_000_000,
  Driver: 'overlay2',
  DriverStatus: [['Backing Filesystem', 'extfs']] as [string, string][],
  Runtimes: { runc: { path: 'runc' } },
  DefaultRuntime: 'runc',
  Plugins: { Volume: ['local'], Network: ['bridge', 'host'], Log: ['json-file'] },
  RegistryConfig: { IndexConfigs: { 'docker.io': { Name: 'docker.io', Secure: true, Official: true } } },
  Swarm: { LocalNodeState: 'inactive' },
  Containers: 3,
  ContainersRunning: 1,
  ContainersPaused: 0,
  ContainersStopped: 2,
  Images: 4,
};
const VERSION = {
  Version: '20.10.24',
  ApiVersion: '1.41',
  MinAPIVersion: '1.12',
  Components: [{ Name: 'Engine', Version: '20.10.24' }],
};

describe('engine sections', () => {
  it('reads version, host, storage, plugins, registries and swarm state', () => {
    const sections = engineSections(INFO, VERSION);
    const value = (id: string, label: string) =>
      sections.find((s) => s.id === id)?.rows.find((r) => r.label.trim() === label)?.value;
    expect(value('engine', 'Engine')).toBe('Docker');
    expect(value('engine', 'API version')).toBe('1.41');
    expect(value('host', 'CPUs')).toBe('2');
    // Memory in binary units, as `docker info` prints it (25e9 bytes = 23.28 GiB).
    expect(value('host', 'Memory')).toBe('23 GiB');
    expect(value('storage', 'Storage driver')).toBe('overlay2');
    expect(value('storage', 'Backing Filesystem')).toBe('extfs');
    expect(value('plugins', 'Network')).toBe('bridge, host');
    expect(value('registries', 'Indexes')).toBe('docker.io');
    expect(value('swarm', 'State')).toBe('inactive');
    expect(value('resources', 'Containers')).toBe('3 (1 running, 0 paused, 2 stopped)');
  });

  it('recognises Podman from its version components', () => {
    const podman = { ...VERSION, Components: [{ Name: 'Podman Engine', Version: '4.3.1' }] };
    expect(isPodman(INFO, podman)).toBe(true);
    expect(isPodman(INFO, VERSION)).toBe(false);
    expect(engineSections(INFO, podman)[0].rows[0].value).toContain('Podman');
  });
});

describe('EnginePage', () => {
  it('renders the sections from /info and /version', async () => {
    const api = new FakeApi()
      .on('GET /api/endpoints/4/docker/info', { body: INFO })
      .on('GET /api/endpoints/4/docker/version', { body: VERSION });
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([]), EnvironmentContext],
    });
    TestBed.inject(EnvironmentContext).setEnvironment({
      Id: 4,
      Status: 1,
      Snapshots: [],
      CapstanAccess: { RoleId: 4, Permissions: [Permission.EnvironmentRead] },
    } as unknown as DockerEnvironment);
    const fixture = TestBed.createComponent(EnginePage);
    for (let i = 0; i < 3; i++) {
      fixture.detectChanges();
      await flush();
    }
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="engine-engine-version"]')?.textContent).toBe('20.10.24');
    expect(el.querySelector('[data-testid="engine-host-kernel"]')?.textContent).toBe('6.1.0');
    expect(el.querySelector('[data-testid="engine-swarm"]')).not.toBeNull();
  });
});
