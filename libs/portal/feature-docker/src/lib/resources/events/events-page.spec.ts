import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  API_FETCH,
  type DockerEnvironment,
  FakeApi,
  WEBSOCKET_FACTORY,
  eventSubject,
  provideFakeApi,
} from '@capstan/portal-data-access';
import { afterEach, describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../../shell/environment-context';
import { EventsPage } from './events-page';

const flush = () => new Promise((r) => setTimeout(r));

class FakeSocket {
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  close(): void {
    this.closed = true;
  }
  emit(value: unknown): void {
    this.onmessage?.({ data: JSON.stringify(value) });
  }
}

function event(type: string, action: string, name: string, time = 1_700_000_000) {
  return {
    Type: type,
    Action: action,
    Actor: { ID: `${name}-id`, Attributes: { name } },
    time,
    timeNano: time * 1e9 + name.length,
  };
}

function env(down = false): DockerEnvironment {
  return {
    Id: 9,
    Name: 'local',
    Status: down ? 2 : 1,
    Snapshots: down ? [{ Time: 1_700_000_000 }] : [],
    CapstanAccess: { RoleId: 1, Permissions: Object.values(Permission) },
  } as unknown as DockerEnvironment;
}

describe('event subject', () => {
  it('names the actor: name attribute, image, whole volume name, short hex id', () => {
    expect(eventSubject(event('container', 'start', 'web'))).toBe('web');
    expect(
      eventSubject({
        Type: 'volume',
        Action: 'create',
        Actor: { ID: 'a-long-volume-name-here', Attributes: { driver: 'local' } },
      }),
    ).toBe('a-long-volume-name-here');
    expect(
      eventSubject({
        Type: 'image',
        Action: 'delete',
        Actor: { ID: `sha256:${'ab'.repeat(32)}`, Attributes: {} },
      }),
    ).toBe('abababababab');
  });
});

describe('EventsPage', () => {
  let sockets: FakeSocket[];
  let fixture: ReturnType<typeof TestBed.createComponent<EventsPage>> | null = null;

  afterEach(() => fixture?.destroy());

  async function setup(fetchImpl?: typeof fetch, down = false) {
    sockets = [];
    const api = new FakeApi();
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        ...(fetchImpl ? [{ provide: API_FETCH, useValue: fetchImpl }] : []),
        provideRouter([]),
        EnvironmentContext,
        {
          provide: WEBSOCKET_FACTORY,
          useValue: (url: string) => {
            const s = new FakeSocket(url);
            sockets.push(s);
            return s as unknown as WebSocket;
          },
        },
      ],
    });
    TestBed.inject(EnvironmentContext).setEnvironment(env(down));
    fixture = TestBed.createComponent(EventsPage);
    const f = fixture;
    const el = f.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        f.detectChanges();
        await flush();
      }
    };
    await settle();
    return { el, byId, settle, api };
  }

  it('shows live events newest first, filters by type and action, and holds them while paused', async () => {
    const { el, byId, settle } = await setup();
    expect(sockets[0].url).toContain('/api/websocket/events?endpointId=9');
    sockets[0].onopen?.();
    sockets[0].emit(event('container', 'start', 'web'));
    sockets[0].emit(event('image', 'pull', 'busybox:latest', 1_700_000_001));
    sockets[0].emit({ not: 'an event' });
    await settle();
    expect(byId('events-source')?.textContent).toContain('Live');
    const rows = () => [...el.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-testid'));
    expect(rows()).toEqual(['event-image-pull', 'event-container-start']);

    const type = byId<HTMLSelectElement>('events-type')!;
    type.value = 'container';
    type.dispatchEvent(new Event('change'));
    await settle();
    expect(rows()).toEqual(['event-container-start']);
    type.value = '';
    type.dispatchEvent(new Event('change'));
    const action = byId<HTMLInputElement>('events-action')!;
    action.value = 'pul';
    action.dispatchEvent(new Event('input'));
    await settle();
    expect(rows()).toEqual(['event-image-pull']);
    action.value = '';
    action.dispatchEvent(new Event('input'));

    byId<HTMLButtonElement>('events-pause')!.click();
    sockets[0].emit(event('container', 'die', 'web', 1_700_000_002));
    await settle();
    expect(rows()).not.toContain('event-container-die');
    expect(byId('events-pause')?.textContent).toContain('1 new');
    byId<HTMLButtonElement>('events-pause')!.click();
    await settle();
    expect(rows()[0]).toBe('event-container-die');
  });

  it('falls back to reading /events through the proxy when the socket is refused', async () => {
    const calls: string[] = [];
    const lines = [event('volume', 'create', 'data'), event('network', 'connect', 'app', 1_700_000_005)]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const fetchImpl = ((input: RequestInfo | URL) => {
      calls.push((input as Request).url);
      return Promise.resolve(new Response(lines + '\n', { status: 200 }));
    }) as typeof fetch;
    const { el, byId, settle } = await setup(fetchImpl);
    sockets[0].onclose?.({ code: 1006 });
    await settle();
    await settle();
    expect(byId('events-source')?.textContent).toContain('Polling');
    const url = new URL(calls[0]);
    expect(url.pathname).toBe('/api/endpoints/9/docker/events');
    const since = Number(url.searchParams.get('since'));
    const until = Number(url.searchParams.get('until'));
    expect(until - since).toBe(3600);
    expect([...el.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-testid'))).toEqual([
      'event-network-connect',
      'event-volume-create',
    ]);
  });

  it('says the engine is unreachable instead of repeating read errors when the environment is down', async () => {
    const fetchImpl = (() =>
      Promise.resolve(
        new Response(JSON.stringify({ message: 'Environment unreachable' }), { status: 502 }),
      )) as typeof fetch;
    const { byId, settle } = await setup(fetchImpl, true);
    sockets[0].onclose?.({ code: 1006 });
    await settle();
    expect(byId('events-unreachable')).not.toBeNull();
    expect(byId('alert-error')).toBeNull();
  });
});
