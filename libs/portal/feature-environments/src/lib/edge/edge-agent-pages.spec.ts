import { TestBed } from '@angular/core/testing';
import type { Type } from '@angular/core';
import { provideRouter } from '@angular/router';
import {
  API_FETCH,
  type Environment,
  FakeApi,
  multipartFetch,
  edgeDockerRunCommand,
  edgeStackDeployCommand,
  environmentFactory,
  provideFakeApi,
} from '@capstan/portal-data-access';
import { ConfirmHost } from '@capstan/portal-ui';
import { beforeEach, describe, expect, it } from 'vitest';

import { EdgeAgentPage } from './edge-agent-page';
import { WaitingRoomPage } from './waiting-room-page';

const flush = () => new Promise((r) => setTimeout(r));

async function mount<T>(component: Type<T>) {
  const fixture = TestBed.createComponent(component);
  const host = TestBed.createComponent(ConfirmHost);
  document.body.append(fixture.nativeElement as HTMLElement, host.nativeElement as HTMLElement);
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      fixture.detectChanges();
      host.detectChanges();
      await fixture.whenStable();
      await flush();
    }
  };
  await settle();
  const el = fixture.nativeElement as HTMLElement;
  const byId = <E extends HTMLElement>(id: string) => el.querySelector<E>(`[data-testid="${id}"]`);
  const type = async (id: string, value: string) => {
    const input = byId<HTMLInputElement>(id)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    await settle();
  };
  const check = async (id: string) => {
    const box = byId<HTMLInputElement>(id)!;
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    await settle();
  };
  return { byId, settle, type, check };
}

describe('edge agent commands', () => {
  const key = 'aHR0cDovL2E6OTAwMHxhOjgwMDB8ZnB8Mw';

  it('docker run: edge mode, key and id, async and insecure poll only when asked', () => {
    const standard = edgeDockerRunCommand({ key, edgeId: 'dev-1', async: false });
    expect(standard).toContain('-e EDGE=1');
    expect(standard).toContain(`-e EDGE_KEY=${key}`);
    expect(standard).toContain('-e EDGE_ID=dev-1');
    expect(standard).toContain('/var/run/docker.sock:/var/run/docker.sock');
    expect(standard).not.toContain('EDGE_ASYNC');
    expect(standard).not.toContain('EDGE_INSECURE_POLL');
    const async = edgeDockerRunCommand({ key, edgeId: 'dev-1', async: true, insecurePoll: true });
    expect(async).toContain('-e EDGE_ASYNC=1');
    expect(async).toContain('-e EDGE_INSECURE_POLL=1');
  });

  it('quotes what a shell would split', () => {
    expect(edgeDockerRunCommand({ key, edgeId: "it's me", async: false })).toContain(`EDGE_ID='it'\\''s me'`);
  });

  it('docker stack deploy passes the key through the environment', () => {
    const cmd = edgeStackDeployCommand({ key, edgeId: 'dev-1', async: true });
    expect(cmd).toContain(`EDGE_KEY=${key}`);
    expect(cmd).toContain('EDGE_ASYNC=1');
    expect(cmd).toContain('docker stack deploy -c edge-agent-stack.yml');
  });
});

describe('EdgeAgentPage', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi()
      .on('POST /api/endpoints', {
        body: environmentFactory({ Id: 9, Name: 'shop-1', Type: 4, EdgeKey: 'KEY9' }),
      })
      .on('POST /api/endpoints/edge/generate-key', { body: { edgeKey: 'GLOBALKEY' } });
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        { provide: API_FETCH, useValue: multipartFetch(api) },
        provideRouter([]),
      ],
    });
  });

  it('needs a name, then creates an edge environment and shows its key and commands', async () => {
    const { byId, settle, type, check } = await mount(EdgeAgentPage);
    byId<HTMLButtonElement>('edge-create')!.click();
    await settle();
    expect(byId('edge-create')?.closest('form')?.textContent).toContain('A name is required');
    expect(api.last('POST /api/endpoints')).toBeUndefined();
    await type('edge-name', 'shop-1');
    await check('edge-mode-async');
    byId<HTMLButtonElement>('edge-create')!.click();
    await settle();
    expect(api.last('POST /api/endpoints')?.body).toMatchObject({
      Name: 'shop-1',
      EndpointCreationType: '4',
      URL: location.origin,
    });
    expect(byId('edge-key')?.textContent).toBe('KEY9');
    expect(byId('edge-docker-run')?.textContent).toContain('-e EDGE_KEY=KEY9');
    expect(byId('edge-docker-run')?.textContent).toContain('-e EDGE_ASYNC=1');
    expect(byId('edge-stack-deploy')?.textContent).toContain('EDGE_KEY=KEY9');
  });

  it('issues a global key for auto-onboarding', async () => {
    const { byId, settle } = await mount(EdgeAgentPage);
    byId<HTMLButtonElement>('edge-global-key')!.click();
    await settle();
    expect(byId('edge-key')?.textContent).toBe('GLOBALKEY');
    expect(byId('edge-issued')?.textContent).toContain('waiting room');
  });
});

describe('WaitingRoomPage', () => {
  let api: FakeApi;
  let devices: Environment[];

  beforeEach(() => {
    devices = [
      environmentFactory({
        Id: 5,
        Name: 'edge-a',
        Type: 4,
        EdgeID: 'a',
        UserTrusted: false,
      }),
      environmentFactory({
        Id: 6,
        Name: 'edge-b',
        Type: 4,
        EdgeID: 'b',
        UserTrusted: false,
      }),
    ];
    api = new FakeApi()
      .on('GET /api/endpoints', () => ({ body: devices }))
      .on('POST /api/endpoints/edge/trust', (req) => {
        const ids = (req.body as { endpointIds: number[] }).endpointIds;
        devices = devices.filter((d) => !ids.includes(d.Id));
        return { body: { trusted: ids } };
      })
      .on('POST /api/endpoints/edge/reject', (req) => {
        const ids = (req.body as { endpointIds: number[] }).endpointIds;
        devices = devices.filter((d) => !ids.includes(d.Id));
        return { body: { rejected: ids } };
      });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
  });

  it('lists untrusted devices only (edgeDeviceUntrusted=true) and trusts the selected ones', async () => {
    const { byId, settle, check } = await mount(WaitingRoomPage);
    expect(api.last('GET /api/endpoints')?.search).toContain('edgeDeviceUntrusted=true');
    expect(byId('waiting-row-edge-a')).not.toBeNull();
    expect(byId<HTMLButtonElement>('waiting-trust')!.disabled).toBe(true);
    await check('waiting-select-edge-a');
    byId<HTMLButtonElement>('waiting-trust')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/edge/trust')?.body).toEqual({ endpointIds: [5] });
    expect(byId('waiting-row-edge-a')).toBeNull();
    expect(byId('waiting-row-edge-b')).not.toBeNull();
  });

  it('rejects in bulk only after confirmation', async () => {
    const { byId, settle, check } = await mount(WaitingRoomPage);
    await check('waiting-select-all');
    byId<HTMLButtonElement>('waiting-reject')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/edge/reject')).toBeUndefined();
    document.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/edge/reject')?.body).toEqual({ endpointIds: [5, 6] });
    expect(byId('waiting-row-edge-b')).toBeNull();
  });
});
