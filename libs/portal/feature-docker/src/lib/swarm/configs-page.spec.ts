import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { type DockerEnvironment, FakeApi, provideFakeApi } from '@capstan/portal-data-access';
import { ConfirmHost, ToastService } from '@capstan/portal-ui';
import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../shell/environment-context';
import { SwarmConfigsPage } from './configs-page';

const flush = () => new Promise((r) => setTimeout(r));

async function setup(kind: 'configs' | 'secrets', api: FakeApi, permissions: string[]) {
  TestBed.configureTestingModule({
    providers: [
      provideFakeApi(api),
      provideRouter([]),
      EnvironmentContext,
      {
        provide: ActivatedRoute,
        useValue: {
          snapshot: { paramMap: convertToParamMap({}), data: { kind } },
          paramMap: of(convertToParamMap({})),
        },
      },
    ],
  });
  TestBed.inject(EnvironmentContext).setEnvironment({
    Id: 3,
    Name: 'lab',
    Status: 1,
    Snapshots: [],
    CapstanAccess: { RoleId: 1, Permissions: permissions },
  } as unknown as DockerEnvironment);
  const fixture = TestBed.createComponent(SwarmConfigsPage);
  const host = TestBed.createComponent(ConfirmHost);
  document.body.append(fixture.nativeElement as HTMLElement, host.nativeElement as HTMLElement);
  const el = fixture.nativeElement as HTMLElement;
  const byId = <E extends HTMLElement>(id: string) => el.querySelector<E>(`[data-testid="${id}"]`);
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      fixture.detectChanges();
      host.detectChanges();
      await flush();
    }
  };
  const type = (id: string, value: string) => {
    const input = byId<HTMLInputElement | HTMLTextAreaElement>(id)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  };
  await settle();
  return { el, byId, settle, type };
}

describe('SwarmConfigsPage', () => {
  it('secrets: create sends base64 data once, the dialog forgets it, the list never shows it', async () => {
    let secrets = [{ ID: 's1', Version: { Index: 1 }, Spec: { Name: 'db-password' } }];
    const api = new FakeApi()
      .on('GET /api/endpoints/3/docker/secrets', () => ({ body: secrets }))
      .on('POST /api/endpoints/3/docker/secrets/create', (req) => {
        secrets = [
          ...secrets,
          { ID: 's2', Version: { Index: 1 }, Spec: { Name: (req.body as { Name: string }).Name } },
        ];
        return { status: 201, body: { ID: 's2' } };
      });
    const { byId, settle, type } = await setup('secrets', api, Object.values(Permission));
    expect(byId('secret-row-db-password')).not.toBeNull();
    byId<HTMLButtonElement>('secrets-create')!.click();
    await settle();
    byId<HTMLButtonElement>('secret-save')!.click();
    await settle();
    expect(byId('secret-dialog')?.textContent).toContain('The content is empty.');
    expect(api.last('POST /api/endpoints/3/docker/secrets/create')).toBeUndefined();
    type('secret-name', 'api-key');
    type('secret-data', 's3cr3t');
    await settle();
    byId<HTMLButtonElement>('secret-save')!.click();
    await settle();
    expect(api.last('POST /api/endpoints/3/docker/secrets/create')?.body).toEqual({
      Name: 'api-key',
      Data: 'czNjcjN0',
    });
    expect(byId('secret-dialog')).toBeNull();
    expect(byId('secret-row-api-key')).not.toBeNull();
    expect(
      TestBed.inject(ToastService)
        .toasts()
        .map((t) => t.message),
    ).toContain('Secret api-key created');
    expect(byId('config-show-api-key')).toBeNull();
    byId<HTMLButtonElement>('secrets-create')!.click();
    await settle();
    expect(byId<HTMLTextAreaElement>('secret-data')!.value).toBe('');
  });

  it('configs: content shown on demand; a read-only role gets no create or remove', async () => {
    const api = new FakeApi().on('GET /api/endpoints/3/docker/configs', {
      body: [
        { ID: 'c1', Version: { Index: 1 }, Spec: { Name: 'nginx.conf', Data: btoa('worker_processes 1;') } },
      ],
    });
    const { byId, settle } = await setup('configs', api, [
      Permission.EnvironmentRead,
      Permission.ResourcesRead,
    ]);
    expect(byId('configs-create')).toBeNull();
    expect(byId('config-remove-nginx.conf')).toBeNull();
    expect(byId('configs-table')?.querySelectorAll('th')).toHaveLength(4);
    byId<HTMLButtonElement>('config-show-nginx.conf')!.click();
    await settle();
    expect(byId('config-content')?.getAttribute('role')).toBe('dialog');
    expect(byId('config-data-nginx.conf')?.textContent).toBe('worker_processes 1;');
  });

  it('secrets: the filter box and the removal toast name the kind', async () => {
    let secrets = [
      { ID: 'aa11', Version: { Index: 1 }, Spec: { Name: 'db-password' } },
      { ID: 'bb22', Version: { Index: 1 }, Spec: { Name: 'tls-key' } },
    ];
    const api = new FakeApi()
      .on('GET /api/endpoints/3/docker/secrets', () => ({ body: secrets }))
      .on('DELETE /api/endpoints/3/docker/secrets/aa11', () => {
        secrets = secrets.filter((s) => s.ID !== 'aa11');
        return { status: 204 };
      });
    const { el, byId, settle, type } = await setup('secrets', api, Object.values(Permission));
    const rows = () =>
      [...byId('secrets-table')!.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-testid'));
    expect(rows()).toEqual(['secret-row-db-password', 'secret-row-tls-key']);
    type('secrets-search', 'bb2');
    await settle();
    expect(rows()).toEqual(['secret-row-tls-key']);
    type('secrets-search', 'zzz');
    await settle();
    expect(byId('secrets-empty')?.textContent?.trim()).toBe('No secret matches the search.');
    type('secrets-search', '');
    await settle();
    byId<HTMLButtonElement>('secret-remove-db-password')!.click();
    await settle();
    document.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]')!.click();
    await settle();
    expect(rows()).toEqual(['secret-row-tls-key']);
    expect(
      TestBed.inject(ToastService)
        .toasts()
        .map((t) => t.message),
    ).toContain('Secret db-password removed');
    expect(el.textContent).not.toContain('db-password');
  });
});
