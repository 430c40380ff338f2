import type { Type } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import {
  FakeApi,
  environmentFactory,
  provideFakeApi,
  type EdgeGroup,
  type EdgeStack,
} from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { EdgeGroupsPage } from './edge-groups-page';
import { EdgeStacksPage } from './edge-stacks-page';

const flush = () => new Promise((r) => setTimeout(r));

const report = (env: number, type: number, error = '') => ({
  EndpointID: env,
  Status: [{ Type: type, Error: error, Time: 1_765_000_000 }],
  DeploymentInfo: { Version: 1, FileVersion: 1, ConfigHash: '' },
  ReadyRePullImage: false,
});

describe('edge pages', () => {
  let api: FakeApi;
  const groups: EdgeGroup[] = [
    {
      Id: 1,
      Name: 'shops',
      Dynamic: false,
      TagIds: [],
      Endpoints: [11, 12],
      PartialMatch: false,
      HasEdgeStack: true,
      HasEdgeJob: false,
      EndpointTypes: [4],
      TrustedEndpoints: [11, 12],
    },
  ];
  const stacks = [
    {
      Id: 5,
      Name: 'web',
      Version: 1,
      EdgeGroups: [1],
      Drift: [],
      Status: { '11': report(11, 7), '12': report(12, 2, 'pull access denied for nope') },
    } as unknown as EdgeStack,
  ];

  beforeEach(() => {
    api = new FakeApi()
      .on('GET /api/edge_groups', () => ({ body: groups }))
      .on('GET /api/edge_stacks', () => ({ body: stacks }))
      .on('GET /api/tags', { body: [{ ID: 3, Name: 'north', Endpoints: {}, EndpointGroups: {} }] })
      .on('GET /api/endpoints', {
        body: [
          environmentFactory({ Id: 11, Name: 'till-1', Type: 4 }),
          environmentFactory({ Id: 12, Name: 'till-2', Type: 4 }),
        ],
      })
      .on('POST /api/edge_groups', (req) => ({ body: { Id: 2, ...(req.body as object) } }));
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
  });

  async function render<T>(component: Type<T>) {
    const fixture = TestBed.createComponent(component);
    document.body.append(fixture.nativeElement as HTMLElement);
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        fixture.detectChanges();
        await fixture.whenStable();
        await flush();
      }
    };
    await settle();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <E extends HTMLElement>(testId: string) => el.querySelector<E>(`[data-testid="${testId}"]`);
    return { byId, settle };
  }

  it('the device matrix shows every device and narrows to failures with the error text', async () => {
    const { byId, settle } = await render(EdgeStacksPage);
    byId<HTMLButtonElement>('edge-stack-open-web')!.click();
    await settle();
    expect(byId('edge-device-11')?.textContent).toContain('Running');
    expect(byId('edge-device-12')?.textContent).toContain('pull access denied for nope');
    const failures = byId<HTMLInputElement>('edge-stack-failures')!;
    failures.checked = true;
    failures.dispatchEvent(new Event('change'));
    await settle();
    expect(byId('edge-device-11')).toBeNull();
    expect(byId('edge-device-12')).not.toBeNull();
  });

  it('creates a dynamic group from the chosen tags; a group in use cannot be deleted', async () => {
    const { byId, settle } = await render(EdgeGroupsPage);
    expect(byId<HTMLButtonElement>('edge-group-delete-shops')!.disabled).toBe(true);
    const name = byId<HTMLInputElement>('edge-group-name')!;
    name.value = 'north';
    name.dispatchEvent(new Event('input'));
    const dynamic = byId<HTMLInputElement>('edge-group-dynamic')!;
    dynamic.checked = true;
    dynamic.dispatchEvent(new Event('change'));
    await settle();
    const tag = byId('edge-group-tags')!.querySelector<HTMLInputElement>('input[type=checkbox]')!;
    tag.checked = true;
    tag.dispatchEvent(new Event('change'));
    await settle();
    byId<HTMLButtonElement>('edge-group-create')!.click();
    await settle();
    expect(api.last('POST /api/edge_groups')?.body).toEqual({
      Name: 'north',
      Dynamic: true,
      TagIDs: [3],
      Endpoints: [],
      PartialMatch: false,
    });
  });
});
