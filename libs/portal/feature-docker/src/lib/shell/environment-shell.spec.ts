import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { EnvironmentType, Permission } from '@capstan/contracts-api';
import { FakeApi, SessionStore, provideFakeApi, userFactory } from '@capstan/portal-data-access';
import { afterEach, describe, expect, it } from 'vitest';

import { DockerDashboardPage } from '../containers/dashboard-page';
import { envFactory } from '../containers/testing/factories';
import { EnvironmentContext } from './environment-context';
import { EnvironmentShell, revealInNav } from './environment-shell';

const flush = () => new Promise((r) => setTimeout(r));

const snapshot = {
  Time: 1_763_860_000,
  DockerVersion: '20.10.24',
  TotalCPU: 4,
  TotalMemory: 8 * 1024 ** 3,
  RunningContainerCount: 2,
  StoppedContainerCount: 1,
  HealthyContainerCount: 1,
  UnhealthyContainerCount: 0,
  ContainerCount: 3,
  ImageCount: 5,
  VolumeCount: 2,
  NetworkCount: 4,
  StackCount: 0,
  IsPodman: false,
  Swarm: false,
};

describe('EnvironmentShell + dashboard', () => {
  afterEach(() => document.body.replaceChildren());

  async function open(api: FakeApi, url = '/environments/7/docker') {
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        provideRouter([
          {
            path: 'environments/:envId/docker',
            component: EnvironmentShell,
            children: [{ path: '', pathMatch: 'full', component: DockerDashboardPage }],
          },
        ]),
      ],
    });
    await TestBed.inject(SessionStore).refresh();
    const harness = await RouterTestingHarness.create(url);
    await flush();
    await flush();
    harness.detectChanges();
    const el = harness.routeNativeElement!;
    const byId = (id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    return { harness, el, byId };
  }

  it('loads the environment, shows its name, status, engine and role, and the live counts', async () => {
    const api = new FakeApi()
      .on('GET /api/users/me', { body: userFactory({ Id: 1, Role: 1 }) })
      .on('GET /api/users/1/memberships', { body: [] })
      .on('GET /api/endpoints/7', {
        body: envFactory(Object.values(Permission), { Snapshots: [snapshot] } as never),
      })
      .on('GET /api/docker/7/dashboard', {
        body: {
          containers: { total: 9, running: 6, stopped: 3, healthy: 2, unhealthy: 1 },
          images: { total: 11, size: 2 * 1024 ** 3 },
          volumes: 3,
          networks: 5,
          services: 0,
          stacks: 2,
        },
      });
    const { byId } = await open(api);
    expect(byId('env-name')?.textContent?.trim()).toBe('local');
    expect(byId('env-status')?.textContent?.trim()).toBe('up');
    expect(byId('env-engine')?.textContent).toContain('Docker 20.10.24');
    expect(byId('dashboard-containers')?.textContent).toContain('9');
    expect(byId('dashboard-containers')?.textContent).toContain('6 running');
    // Image sizes in decimal units as the docker CLI prints them (2 GiB = 2.1 GB); memory in binary units.
    expect(byId('dashboard-images')?.textContent).toContain('2.1 GB');
    expect(byId('dashboard-stacks')?.textContent).toContain('2');
    expect(byId('dashboard-cpu')?.textContent).toContain('4');
    expect(byId('dashboard-memory')?.textContent).toContain('8.0 GiB');
    expect(byId('snapshot-banner')).toBeNull();
    expect(byId('env-nav-containers')?.getAttribute('href')).toBe('/environments/7/docker/containers');
    // Not an agent: no host view.
    expect(byId('env-nav-host')).toBeNull();
  });

  it('browses a down environment from its snapshot: banner, snapshot counts, read-only', async () => {
    const api = new FakeApi()
      .on('GET /api/users/me', { body: userFactory({ Id: 2, Role: 2 }) })
      .on('GET /api/users/2/memberships', { body: [] })
      .on('GET /api/endpoints/7', {
        body: envFactory([Permission.ResourcesRead, Permission.ContainerLifecycle], {
          Status: 2,
          Snapshots: [snapshot],
        } as never),
      })
      .on('GET /api/docker/7/dashboard', {
        status: 502,
        body: { message: 'Unable to reach the Docker engine' },
      });
    const { byId, harness } = await open(api);
    expect(byId('env-status')?.textContent?.trim()).toBe('down');
    expect(byId('snapshot-banner')?.textContent).toContain('showing the snapshot of');
    expect(byId('dashboard-live-error')?.textContent).toContain('Unable to reach');
    expect(byId('dashboard-containers')?.textContent).toContain('3');
    const ctx = harness.routeDebugElement!.injector.get(EnvironmentContext);
    expect(ctx.can(Permission.ContainerLifecycle)).toBe(true);
    expect(ctx.canAct(Permission.ContainerLifecycle)).toBe(false);
  });

  it('names the Swarm nodes that did not answer the last snapshot', async () => {
    const api = new FakeApi()
      .on('GET /api/users/me', { body: userFactory({ Id: 1, Role: 1 }) })
      .on('GET /api/users/1/memberships', { body: [] })
      .on('GET /api/endpoints/7', {
        body: envFactory(Object.values(Permission), {
          Type: EnvironmentType.Agent,
          Snapshots: [{ ...snapshot, Swarm: true, UnreachableNodes: ['node3'] }],
        } as never),
      })
      .on('GET /api/docker/7/dashboard', {
        body: {
          containers: { total: 1, running: 1, stopped: 0, healthy: 0, unhealthy: 0 },
          images: { total: 1, size: 1 },
          volumes: 0,
          networks: 1,
          services: 0,
          stacks: 0,
          unreachableNodes: ['node2', 'node3'],
        },
      });
    const { byId, el } = await open(api);
    // An agent environment has the host view.
    expect(byId('env-nav-host')?.getAttribute('href')).toBe('/environments/7/docker/host');
    // A Swarm agent: thirteen tabs in three labelled groups, each kept together when the tabs wrap.
    const groups = Array.from(el.querySelectorAll<HTMLElement>('.env-nav [role="group"]')).map(
      (g) =>
        `${g.getAttribute('aria-label')}: ${Array.from(g.querySelectorAll('a'), (a) => a.getAttribute('data-testid')).join(' ')}`,
    );
    expect(groups).toEqual([
      'Engine: env-nav-dashboard env-nav-stacks env-nav-templates env-nav-containers env-nav-images env-nav-volumes env-nav-networks env-nav-events env-nav-engine',
      'Agent host: env-nav-host',
      'Swarm: env-nav-swarm env-nav-services env-nav-configs env-nav-secrets',
    ]);
    expect(byId('env-nav-dashboard')?.getAttribute('aria-current')).toBe('page');
    expect(el.querySelectorAll('.env-nav a[aria-current]')).toHaveLength(1);
    expect(byId('snapshot-unreachable')?.textContent?.replace(/\s+/g, ' ')).toContain(
      'Node node3 did not answer the last snapshot: its counts miss that node.',
    );
    // The live counts say which nodes they miss too.
    expect(byId('dashboard-unreachable')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Nodes node2 and node3 did not answer: these counts miss their containers, images, volumes and networks.',
    );
  });
});

describe('revealInNav', () => {
  /**
   * A nav `clientWidth` wide scrolling `scrollWidth`, already scrolled by `scrolled`, and a link whose box starts
   * `left` px right of the nav's, `width` wide; returns the nav's new scrollLeft.
   */
  function reveal(scrollWidth: number, clientWidth: number, left: number, scrolled = 0, width = 80) {
    const nav = document.createElement('nav');
    const link = document.createElement('a');
    let scrollLeft = scrolled;
    Object.defineProperties(nav, {
      scrollWidth: { value: scrollWidth },
      clientWidth: { value: clientWidth },
      scrollLeft: { get: () => scrollLeft, set: (v: number) => (scrollLeft = v) },
    });
    nav.getBoundingClientRect = () => new DOMRect(16, 100, clientWidth, 40);
    link.getBoundingClientRect = () => new DOMRect(16 + left, 100, width, 40);
    revealInNav(nav, link);
    return scrollLeft;
  }

  it('centres the link in a nav that scrolls, from where it is scrolled to', () => {
    expect(reveal(1000, 360, 600)).toBe(600 - (360 - 80) / 2);
    expect(reveal(1000, 360, 100, 300)).toBe(300 + 100 - (360 - 80) / 2);
  });

  it('stays within the scroll range at either end', () => {
    expect(reveal(1000, 360, 40)).toBe(0);
    expect(reveal(1000, 360, 900)).toBe(1000 - 360);
  });

  it('does nothing when every tab fits', () => {
    expect(reveal(900, 1010, 600, 5)).toBe(5);
  });
});

describe('EnvironmentContext permissions', () => {
  function context(isAdmin: boolean) {
    const api = new FakeApi()
      .on('GET /api/users/me', { body: userFactory({ Id: 5, Role: isAdmin ? 1 : 2 }) })
      .on('GET /api/users/5/memberships', { body: [] });
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([]), EnvironmentContext],
    });
    return TestBed.inject(EnvironmentContext);
  }

  it('uses CapstanAccess: manage-owned operates only what the caller owns', async () => {
    const ctx = context(false);
    await TestBed.inject(SessionStore).refresh();
    ctx.setEnvironment(envFactory([Permission.ResourcesManageOwned, Permission.ResourcesCreate]));
    const mine = { UserAccesses: [{ UserId: 5 }] };
    const theirs = { UserAccesses: [{ UserId: 9 }] };
    expect(ctx.canOperate(ctx.ownedByCaller(mine))).toBe(true);
    expect(ctx.canOperate(ctx.ownedByCaller(theirs))).toBe(false);
    expect(ctx.can(Permission.ContainerConsole)).toBe(false);
    ctx.noteSource('2026-11-23T01:00:00Z');
    expect(ctx.canOperate(true)).toBe(false);
  });

  it('without CapstanAccess: everything for administrators, nothing for others', async () => {
    const ctx = context(true);
    await TestBed.inject(SessionStore).refresh();
    ctx.setEnvironment({ ...envFactory([]), CapstanAccess: undefined } as never);
    expect(ctx.can(Permission.ResourcesManageAll)).toBe(true);
    TestBed.resetTestingModule();
    const other = context(false);
    await TestBed.inject(SessionStore).refresh();
    other.setEnvironment({ ...envFactory([]), CapstanAccess: undefined } as never);
    expect(other.can(Permission.ResourcesRead)).toBe(false);
  });
});
