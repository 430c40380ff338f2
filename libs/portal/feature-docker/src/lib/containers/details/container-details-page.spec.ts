import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { FakeApi, WEBSOCKET_FACTORY, provideFakeApi } from '@capstan/portal-data-access';
import { ConfirmHost } from '@capstan/portal-ui';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ContainerInspect } from '../../shared/docker-models';
import { EnvironmentContext } from '../../shell/environment-context';
import { FakeSocket, envFactory, inspectFactory } from '../testing/factories';
import { ContainerDetailsPage } from './container-details-page';

const flush = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const D = '/api/endpoints/7/docker';

describe('ContainerDetailsPage', () => {
  let api: FakeApi;
  let container: ContainerInspect;

  beforeEach(() => {
    container = inspectFactory({ Id: 'c1', Name: '/web' });
    api = new FakeApi().on(`GET ${D}/containers/c1/json`, () => ({ body: container }));
  });

  afterEach(() => document.body.replaceChildren());

  async function setup(permissions: readonly string[] = Object.values(Permission), tab?: string) {
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        provideRouter([{ path: '**', children: [] }]),
        EnvironmentContext,
        { provide: WEBSOCKET_FACTORY, useValue: FakeSocket.factory },
      ],
    });
    TestBed.inject(EnvironmentContext).setEnvironment(envFactory(permissions));
    const fixture = TestBed.createComponent(ContainerDetailsPage);
    fixture.componentRef.setInput('id', 'c1');
    if (tab) fixture.componentRef.setInput('tab', tab);
    const host = TestBed.createComponent(ConfirmHost);
    document.body.append(fixture.nativeElement as HTMLElement, host.nativeElement as HTMLElement);
    fixture.detectChanges();
    await flush();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async (ms = 0) => {
      fixture.detectChanges();
      host.detectChanges();
      await flush(ms);
      fixture.detectChanges();
      host.detectChanges();
    };
    return { fixture, el, byId, settle };
  }

  it('shows the state and only the actions that fit it, then stops and reloads', async () => {
    api.on(`POST ${D}/containers/c1/stop`, () => {
      container = { ...container, State: { ...container.State, Status: 'exited', Running: false } };
      return { status: 204 };
    });
    const { byId, settle } = await setup();
    expect(byId('details-name')?.textContent).toBe('web');
    expect(byId('details-state')?.textContent?.trim()).toBe('running');
    expect(byId('details-start')).toBeNull();
    expect(byId('tab-console')).not.toBeNull();
    byId<HTMLButtonElement>('details-stop')!.click();
    await settle();
    await settle();
    expect(api.last(`POST ${D}/containers/c1/stop`)).toBeDefined();
    expect(byId('details-state')?.textContent?.trim()).toBe('exited');
    expect(byId('details-start')).not.toBeNull();
    // A stopped container has no console, stats or processes.
    expect(byId('tab-console')).toBeNull();
    expect(byId('tab-stats')).toBeNull();
  });

  it('reloads when an event about this container arrives', async () => {
    const { byId, settle } = await setup();
    const socket = FakeSocket.last!;
    expect(socket.url).toContain('/api/websocket/events?endpointId=7');
    socket.open();
    container = { ...container, State: { ...container.State, Status: 'paused', Paused: true } };
    socket.message({ Type: 'container', Action: 'pause', Actor: { ID: 'other' } });
    await settle(350);
    expect(byId('details-state')?.textContent?.trim()).toBe('running');
    socket.message({ Type: 'container', Action: 'pause', Actor: { ID: 'c1' } });
    await settle(350);
    expect(byId('details-state')?.textContent?.trim()).toBe('paused');
    expect(byId('details-resume')).not.toBeNull();
  });

  it('removes after confirmation (forced when running) and goes back to the list', async () => {
    api.on(`DELETE ${D}/containers/c1`, { status: 204 });
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('details-remove')!.click();
    await settle();
    expect(api.last(`DELETE ${D}/containers/c1`)).toBeUndefined();
    document.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]')!.click();
    await settle();
    await settle();
    expect(api.last(`DELETE ${D}/containers/c1`)?.search).toBe('?force=1');
    expect(TestBed.inject(Router).url).toBe('/environments/7/docker/containers');
  });

  it('a read-only role sees no actions and no console', async () => {
    const { byId } = await setup([Permission.EnvironmentRead, Permission.ResourcesRead], 'console');
    expect(byId('details-stop')).toBeNull();
    expect(byId('details-duplicate')).toBeNull();
    expect(byId('tab-console')).toBeNull();
    // The asked-for tab is not offered: the first one shows.
    expect(byId('tab-inspect')?.getAttribute('aria-selected')).toBe('true');
  });

  it('shows the summary above the raw inspect tree on the first tab', async () => {
    const { byId } = await setup();
    expect(byId('tab-inspect')?.textContent?.trim()).toBe('Overview');
    const summary = byId('container-summary')!;
    const inspect = byId('inspect-output')!;
    expect(summary.compareDocumentPosition(inspect) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(byId('summary-restart')?.textContent).toContain('unless-stopped');
  });

  it('a stop that takes time says "stopping…" at once and offers Kill, which ends it', async () => {
    let finishStop: () => void = () => undefined;
    api.on(
      `POST ${D}/containers/c1/stop`,
      () =>
        new Promise((resolve) => {
          finishStop = () => resolve({ status: 204 });
        }),
    );
    api.on(`POST ${D}/containers/c1/kill`, () => {
      container = {
        ...container,
        State: { ...container.State, Status: 'exited', Running: false, ExitCode: 137 },
      };
      finishStop();
      return { status: 204 };
    });
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('details-stop')!.click();
    await settle();
    // The engine has not answered: the badge already says so, and Kill (alone) stays offered.
    expect(byId('details-state')?.textContent?.trim()).toBe('stopping…');
    expect(byId('details-stopping')?.textContent).toContain('SIGTERM');
    expect(byId('details-stopping')?.textContent).toContain('10 s');
    expect(byId<HTMLButtonElement>('details-restart')!.disabled).toBe(true);
    expect(byId<HTMLButtonElement>('details-kill')!.disabled).toBe(false);
    byId<HTMLButtonElement>('details-kill-now')!.click();
    await settle();
    await settle();
    expect(api.last(`POST ${D}/containers/c1/kill`)).toBeDefined();
    expect(byId('details-state')?.textContent?.trim()).toBe('exited');
    expect(byId('details-stopping')).toBeNull();
    expect(byId('details-start')).not.toBeNull();
  });
});
