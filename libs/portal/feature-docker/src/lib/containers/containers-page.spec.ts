import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { FakeApi, WEBSOCKET_FACTORY, provideFakeApi } from '@capstan/portal-data-access';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ContainerSummary } from '../shared/docker-models';
import { EnvironmentContext } from '../shell/environment-context';
import { ContainersPage } from './containers-page';
import { FakeSocket, containerFactory, envFactory } from './testing/factories';

const flush = () => new Promise((r) => setTimeout(r));
const LIST = 'GET /api/endpoints/7/docker/containers/json';
const ALL = Object.values(Permission);

describe('ContainersPage', () => {
  let api: FakeApi;
  let containers: ContainerSummary[];

  beforeEach(() => {
    FakeSocket.urls = [];
    containers = [
      containerFactory({ name: 'web', State: 'running', Image: 'nginx:1.27', Created: 300 }),
      containerFactory({
        name: 'db',
        State: 'exited',
        Image: 'postgres:16',
        Created: 100,
        Status: 'Exited (0)',
      }),
      containerFactory({ name: 'cache', State: 'paused', Image: 'redis:7', Created: 200 }),
      containerFactory({ name: 'api', State: 'running', Image: 'node:20', Created: 400 }),
    ];
    api = new FakeApi().on(LIST, () => ({ body: containers }));
  });

  afterEach(() => document.body.replaceChildren());

  async function setup(permissions: readonly string[] = ALL, headers?: Record<string, string>) {
    if (headers) api.on(LIST, () => ({ body: containers, headers }));
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        provideRouter([{ path: '**', children: [] }]),
        EnvironmentContext,
        { provide: WEBSOCKET_FACTORY, useValue: FakeSocket.factory },
      ],
    });
    const ctx = TestBed.inject(EnvironmentContext);
    ctx.setEnvironment(envFactory(permissions));
    const fixture = TestBed.createComponent(ContainersPage);
    document.body.append(fixture.nativeElement as HTMLElement);
    fixture.detectChanges();
    await flush();
    await flush();
    fixture.detectChanges();
    const page = fixture.componentInstance;
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      fixture.detectChanges();
      await flush();
      await flush();
      fixture.detectChanges();
    };
    return { fixture, page, el, byId, settle, ctx };
  }

  const names = (page: ContainersPage) => page.rows().map((r) => r.name);

  it('lists every container (all=1) sorted by name, and sorts by other columns both ways', async () => {
    const { page, byId } = await setup();
    expect(api.last(LIST)?.search).toBe('?all=1');
    expect(names(page)).toEqual(['api', 'cache', 'db', 'web']);
    expect(byId('containers-count')?.textContent).toContain('4 of 4');
    page.sortBy('created'); // newest first on the first click
    expect(names(page)).toEqual(['api', 'web', 'cache', 'db']);
    page.sortBy('created');
    expect(names(page)).toEqual(['db', 'cache', 'web', 'api']);
    page.sortBy('state');
    expect(names(page).slice(0, 2)).toEqual(['db', 'cache']); // exited < paused < running
    page.sortBy('name');
    page.sortBy('name');
    expect(names(page)).toEqual(['web', 'db', 'cache', 'api']);
  });

  it('renders rows with state badges and sorts from the header', async () => {
    const { byId, settle, page } = await setup();
    expect(byId('state-web')?.textContent?.trim()).toBe('running');
    expect(byId('state-db')?.className).toContain('badge-neutral');
    byId<HTMLButtonElement>('sort-image')!.click();
    await settle();
    expect(names(page)).toEqual(['web', 'api', 'db', 'cache']); // nginx, node, postgres, redis
  });

  it('row links are real hrefs that navigate inside the app on a plain click', async () => {
    const { byId, settle } = await setup();
    const link = byId<HTMLAnchorElement>('container-link-web')!;
    expect(link.getAttribute('href')).toBe(`/environments/7/docker/containers/${containers[0].Id}`);
    expect(byId<HTMLAnchorElement>('quick-logs-web')!.getAttribute('href')).toContain('?tab=logs');
    link.click();
    await settle();
    expect(TestBed.inject(Router).url).toBe(`/environments/7/docker/containers/${containers[0].Id}`);
  });

  it('filters by every search term across name, image and state', async () => {
    const { page, byId, settle } = await setup();
    const search = byId<HTMLInputElement>('containers-search')!;
    search.value = 'running n';
    search.dispatchEvent(new Event('input'));
    await settle();
    expect(names(page)).toEqual(['api', 'web']);
    search.value = 'postgres';
    search.dispatchEvent(new Event('input'));
    await settle();
    expect(names(page)).toEqual(['db']);
    search.value = 'nothing-like-this';
    search.dispatchEvent(new Event('input'));
    await settle();
    expect(byId('containers-empty')?.textContent).toContain('No container matches');
  });

  it('selects a range with shift-click and everything shown with select-all', async () => {
    const { page, byId, settle } = await setup();
    byId<HTMLInputElement>('select-api')!.click();
    byId<HTMLInputElement>('select-db')!.dispatchEvent(
      new MouseEvent('click', { shiftKey: true, bubbles: true }),
    );
    await settle();
    expect(page.selectedRows().map((r) => r.name)).toEqual(['api', 'cache', 'db']);
    expect(byId('selection-count')?.textContent).toContain('3 selected');
    page.query.set('web');
    await settle();
    byId<HTMLInputElement>('select-all')!.click();
    await settle();
    // Select-all takes what is shown; hidden selected rows do not count for bulk actions.
    expect(page.selectedRows().map((r) => r.name)).toEqual(['web']);
    byId<HTMLInputElement>('select-all')!.click();
    await settle();
    expect(page.selectedRows()).toEqual([]);
  });

  it('runs a bulk stop on each selected container and reports each result', async () => {
    api
      .on(`POST /api/endpoints/7/docker/containers/${containers[0].Id}/stop`, { status: 204 })
      .on(`POST /api/endpoints/7/docker/containers/${containers[3].Id}/stop`, {
        status: 500,
        body: { message: 'cannot stop container: permission denied' },
      });
    const { page, byId, settle } = await setup();
    byId<HTMLInputElement>('select-all')!.click();
    page.query.set('running');
    await settle();
    byId<HTMLButtonElement>('bulk-stop')!.click();
    await settle();
    await settle();
    const stops = api.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stop'));
    expect(stops.map((r) => r.path).sort()).toEqual(
      [containers[0].Id, containers[3].Id]
        .map((id) => `/api/endpoints/7/docker/containers/${id}/stop`)
        .sort(),
    );
    expect(byId('bulk-item-web')?.textContent).toContain('done');
    expect(byId('bulk-item-api')?.textContent).toContain('permission denied');
    // The list is reloaded after the action.
    expect(api.requests.filter((r) => `${r.method} ${r.path}` === LIST).length).toBeGreaterThan(1);
  });

  it('removes after the dialog, with force when asked', async () => {
    api.on(`DELETE /api/endpoints/7/docker/containers/${containers[1].Id}`, () => {
      containers = containers.filter((c) => c.Names[0] !== '/db');
      return { status: 204 };
    });
    const { byId, settle, page } = await setup();
    byId<HTMLInputElement>('select-db')!.click();
    await settle();
    byId<HTMLButtonElement>('bulk-remove')!.click();
    await settle();
    expect(api.last(`DELETE /api/endpoints/7/docker/containers/${containers[1].Id}`)).toBeUndefined();
    byId<HTMLInputElement>('remove-force')!.click();
    byId<HTMLButtonElement>('remove-confirm')!.click();
    await settle();
    await settle();
    const del = api.requests.find((r) => r.method === 'DELETE');
    expect(del?.search).toBe('?force=1');
    expect(names(page)).not.toContain('db');
  });

  it('hides bulk actions and create from a read-only role, and remove from an operator', async () => {
    const readOnly = await setup([Permission.EnvironmentRead, Permission.ResourcesRead]);
    expect(readOnly.byId('bulk-bar')).toBeNull();
    expect(readOnly.byId('container-create')).toBeNull();
    readOnly.fixture.destroy();
    TestBed.resetTestingModule();
    const operator = await setup([
      Permission.ResourcesRead,
      Permission.ContainerLifecycle,
      Permission.ContainerConsole,
    ]);
    expect(operator.byId('bulk-stop')).not.toBeNull();
    expect(operator.byId('bulk-remove')).toBeNull();
    expect(operator.byId('container-create')).toBeNull();
  });

  it('reloads on container events when the events socket is live, and says so', async () => {
    const { byId, settle } = await setup();
    expect(FakeSocket.urls[0]).toContain('/api/websocket/events?endpointId=7');
    FakeSocket.last!.open();
    await settle();
    expect(byId('containers-live')?.textContent).toContain('live');
    const before = api.requests.length;
    containers = [...containers, containerFactory({ name: 'new-one' })];
    FakeSocket.last!.message({ Type: 'container', Action: 'create', Actor: { ID: 'x' } });
    await new Promise((r) => setTimeout(r, 350));
    await settle();
    expect(api.requests.length).toBe(before + 1);
    expect(byId('container-row-new-one')).not.toBeNull();
  });

  it('falls back to polling when the events socket is missing', async () => {
    const { byId, settle } = await setup();
    FakeSocket.last!.fail();
    await settle();
    expect(byId('containers-live')?.textContent).toContain('auto-refresh');
  });

  it('shows the snapshot banner state and no actions when the list came from a snapshot', async () => {
    const { ctx, byId } = await setup(ALL, { 'X-Capstan-Snapshot': '2026-11-23T01:00:00Z' });
    expect(ctx.snapshotTime()).toBe('2026-11-23T01:00:00Z');
    expect(ctx.readOnly()).toBe(true);
    expect(byId('bulk-bar')).toBeNull();
  });
});
