import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { EnvironmentType } from '@capstan/contracts-api';
import {
  API_FETCH,
  type Environment,
  FakeApi,
  SessionStore,
  environmentFactory,
  multipartFetch,
  provideFakeApi,
  snapshotFactory,
  userFactory,
} from '@capstan/portal-data-access';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { HomePage } from './home-page';

const flush = () => new Promise((r) => setTimeout(r));

describe('HomePage', () => {
  let api: FakeApi;
  let envs: Environment[];
  let role: number;

  beforeEach(() => {
    role = 1;
    envs = [
      environmentFactory({
        Id: 1,
        Name: 'local',
        TagIds: [7],
        Snapshots: [
          snapshotFactory({
            Time: Math.floor(Date.now() / 1000) - 120,
            DockerVersion: '20.10.24',
            RunningContainerCount: 3,
            StoppedContainerCount: 2,
            HealthyContainerCount: 1,
            UnhealthyContainerCount: 4,
            ImageCount: 7,
            VolumeCount: 5,
            NetworkCount: 6,
          }),
        ],
      }),
      environmentFactory({
        Id: 2,
        Name: 'remote',
        URL: 'tcp://10.0.0.2:2376',
        TLSConfig: { TLS: true, TLSSkipVerify: false },
        Status: 2,
        GroupId: 2,
        Snapshots: [],
      }),
    ];
    api = new FakeApi()
      .on('GET /api/users/me', () => ({ body: userFactory({ Id: role, Role: role }) }))
      .on('GET /api/users/1/memberships', { body: [] })
      .on('GET /api/users/2/memberships', { body: [] })
      .on('GET /api/system/status', { body: { Version: '0.1.0', InstanceID: 'abc' } })
      .on('GET /api/endpoint_groups', {
        body: [
          {
            Id: 1,
            Name: 'Unassigned',
            Description: '',
            TagIds: [],
            UserAccessPolicies: {},
            TeamAccessPolicies: {},
          },
          {
            Id: 2,
            Name: 'Production',
            Description: '',
            TagIds: [],
            UserAccessPolicies: {},
            TeamAccessPolicies: {},
          },
        ],
      })
      .on('GET /api/tags', { body: [{ ID: 7, Name: 'eu-west', Endpoints: {}, EndpointGroups: {} }] })
      .on('GET /api/endpoints', () => ({
        body: envs,
        headers: { 'X-Total-Count': String(envs.length), 'X-Total-Available': String(envs.length) },
      }));
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        { provide: API_FETCH, useValue: multipartFetch(api) },
        provideRouter([]),
      ],
    });
  });

  afterEach(() => {
    vi.useRealTimers();
    localStorage.clear();
  });

  async function setup() {
    await TestBed.inject(SessionStore).refresh();
    const fixture = TestBed.createComponent(HomePage);
    document.body.append(fixture.nativeElement as HTMLElement);
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        fixture.detectChanges();
        await fixture.whenStable();
        await flush();
      }
      fixture.detectChanges();
    };
    await settle();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const select = async (id: string, value: string) => {
      const s = byId<HTMLSelectElement>(id)!;
      s.value = value;
      s.dispatchEvent(new Event('change'));
      await settle();
    };
    return { fixture, el, byId, settle, select };
  }

  const listQueries = () =>
    api.requests.filter((r) => r.method === 'GET' && r.path === '/api/endpoints').map((r) => r.search);

  it('shows each environment with its status, snapshot time, counts, group and tags', async () => {
    const { byId } = await setup();
    const local = byId('env-card-local')!;
    expect(byId('env-status-local')?.textContent?.trim()).toBe('Up');
    expect(local.textContent).toContain('Docker · socket');
    expect(local.textContent).toContain('20.10.24');
    expect(local.textContent).toContain('4 CPU');
    expect(local.textContent).toContain('8.0 GiB RAM');
    const snapshot = byId('env-snapshot-local')!;
    expect(snapshot.textContent).toContain('2 min ago');
    expect(snapshot.getAttribute('title')).toBeTruthy();
    const counts = byId('env-counts-local')!.textContent.replace(/\s+/g, ' ');
    expect(counts).toContain('▶ 3');
    expect(counts).toContain('■ 2');
    expect(counts).toContain('♥ 1');
    expect(counts).toContain('✚ 4');
    expect(counts).toMatch(/Images\s*7/);
    expect(counts).toMatch(/Volumes\s*5/);
    expect(counts).toMatch(/Networks\s*6/);
    expect(local.textContent).toContain('Unassigned');
    expect(local.textContent).toContain('eu-west');
    expect(local.getAttribute('href')).toBe('/environments/1/docker/dashboard');

    expect(byId('env-status-remote')?.textContent?.trim()).toBe('Down');
    expect(byId('env-card-remote')!.textContent).toContain('Docker · API + TLS');
    expect(byId('env-card-remote')!.textContent).toContain('Production');
    expect(byId('env-snapshot-remote')?.textContent).toContain('No snapshot yet');
    expect(byId('status-environments')?.textContent).toBe('2');
  });

  it('says on the card which Swarm nodes did not answer the last snapshot', async () => {
    envs = [
      environmentFactory({
        Id: 4,
        Name: 'swarm',
        Type: EnvironmentType.Agent,
        Snapshots: [snapshotFactory({ Swarm: true, NodeCount: 3, UnreachableNodes: ['node2', 'node3'] })],
      }),
      environmentFactory({ Id: 5, Name: 'calm', Snapshots: [snapshotFactory()] }),
    ];
    const { byId } = await setup();
    expect(byId('env-unreachable-swarm')?.textContent).toContain(
      'node2 and node3 did not answer the last snapshot: the counts are partial.',
    );
    expect(byId('env-unreachable-calm')).toBeNull();
  });

  it('switches to the list view and remembers it', async () => {
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('view-list')!.click();
    await settle();
    expect(byId('env-card-local')).toBeNull();
    expect(byId('env-row-local')?.textContent).toContain('3 running · 2 stopped');
    expect(byId('env-row-remote')?.textContent).toContain('No snapshot yet');
    expect(localStorage.getItem('capstan.home.view')).toBe('list');
  });

  it('sends the filters and the search to the server and resets the page', async () => {
    const { select, byId, settle } = await setup();
    expect(listQueries()[0]).toContain('limit=12');

    await select('filter-group', '2');
    expect(listQueries().at(-1)).toContain('groupIds=%5B2%5D');
    await select('filter-tag', '7');
    expect(listQueries().at(-1)).toContain('tagIds=%5B7%5D');
    await select('filter-status', '2');
    const last = new URLSearchParams(listQueries().at(-1));
    expect(last.get('status')).toBe('[2]');
    expect(last.get('groupIds')).toBe('[2]');

    const search = byId<HTMLInputElement>('home-search')!;
    search.value = 'prod';
    search.dispatchEvent(new Event('input'));
    await settle();
    // Debounced: not sent on the keystroke.
    expect(listQueries().some((q) => q.includes('search='))).toBe(false);
    await new Promise((r) => setTimeout(r, 350));
    await settle();
    expect(new URLSearchParams(listQueries().at(-1)).get('search')).toBe('prod');
  });

  it('pages with X-Total-Count', async () => {
    api.on('GET /api/endpoints', () => ({
      body: envs,
      headers: { 'X-Total-Count': '30', 'X-Total-Available': '30' },
    }));
    const { byId, settle } = await setup();
    expect(byId('home-range')?.textContent).toBe('1–12 of 30');
    byId<HTMLButtonElement>('home-next')!.click();
    await settle();
    expect(new URLSearchParams(listQueries().at(-1)).get('start')).toBe('12');
  });

  it('filters by connection type on the page (the server has no such filter)', async () => {
    const { select, byId } = await setup();
    await select('filter-type', 'tls');
    // Every match is fetched (no limit) and the TLS one kept.
    expect(new URLSearchParams(listQueries().at(-1)).get('limit')).toBeNull();
    expect(byId('env-card-remote')).not.toBeNull();
    expect(byId('env-card-local')).toBeNull();
  });

  it('offers the local Docker engine to an administrator without environments and adds it in one click', async () => {
    envs = [];
    api.on('GET /api/endpoints/local-engine', {
      body: { Available: true, URL: 'unix:///var/run/docker.sock', Engine: 'docker', Version: '20.10.24' },
    });
    api.on('POST /api/endpoints', (req) => {
      envs = [environmentFactory({ Id: 5, Name: (req.body as { Name: string }).Name })];
      return { body: envs[0] };
    });
    const { byId, settle } = await setup();
    const add = byId<HTMLButtonElement>('local-env-add')!;
    expect(add.textContent).toContain(
      'Add the local Docker environment (unix:///var/run/docker.sock, Docker 20.10.24)',
    );
    add.click();
    await settle();
    await settle();
    expect(api.last('POST /api/endpoints')?.body).toEqual({
      Name: 'local',
      EndpointCreationType: '1',
      ContainerEngine: 'docker',
      URL: 'unix:///var/run/docker.sock',
    });
    expect(byId('local-env-offer')).toBeNull();
    expect(byId('env-card-local')).not.toBeNull();
  });

  it('does not offer the local engine when it is not there', async () => {
    envs = [];
    api.on('GET /api/endpoints/local-engine', {
      body: { Available: false, URL: 'unix:///var/run/docker.sock', Engine: null, Version: null },
    });
    const { byId } = await setup();
    expect(byId('local-env-offer')).toBeNull();
    expect(byId('empty-state')?.textContent).toContain('No environment yet');
  });

  it('shows a standard user their role on each environment', async () => {
    role = 2;
    envs = [
      environmentFactory({
        Id: 1,
        Name: 'local',
        CapstanAccess: { RoleId: 4, Permissions: [], VolumeBrowse: 'none' },
      }),
    ];
    const { byId } = await setup();
    expect(byId('env-role-local')?.textContent?.trim()).toBe('Read-only user');
  });

  it('does not label roles for an administrator', async () => {
    const { byId } = await setup();
    expect(byId('env-role-local')).toBeNull();
  });

  it('tells a standard user without environments that none is available, without admin actions', async () => {
    role = 2;
    envs = [];
    const { byId } = await setup();
    expect(byId('empty-state')?.textContent).toContain('No environment is available to you yet');
    expect(byId('home-refresh')).toBeNull();
    expect(api.last('GET /api/endpoints/local-engine')).toBeUndefined();
  });

  it('lets an administrator snapshot every environment now', async () => {
    api.on('POST /api/endpoints/snapshot', {
      body: [
        { environmentId: 1, status: 1 },
        { environmentId: 2, status: 2, error: 'connect ECONNREFUSED' },
      ],
    });
    const { byId, settle } = await setup();
    const before = listQueries().length;
    byId<HTMLButtonElement>('home-refresh')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/snapshot')).toBeDefined();
    expect(listQueries().length).toBeGreaterThan(before);
  });

  it('looks again every 30 s while an environment is down', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { settle } = await setup();
    const before = listQueries().length;
    vi.advanceTimersByTime(30_000);
    await settle();
    expect(listQueries().length).toBe(before + 1);

    envs = envs.filter((e) => e.Status === 1);
    vi.advanceTimersByTime(30_000);
    await settle();
    const after = listQueries().length;
    vi.advanceTimersByTime(60_000);
    await settle();
    expect(listQueries().length).toBe(after);
  });
});
