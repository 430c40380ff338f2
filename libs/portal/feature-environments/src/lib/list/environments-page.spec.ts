import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { type Environment, FakeApi, environmentFactory, provideFakeApi } from '@capstan/portal-data-access';
import { ConfirmHost } from '@capstan/portal-ui';
import { beforeEach, describe, expect, it } from 'vitest';

import { EnvironmentsPage } from './environments-page';

const flush = () => new Promise((r) => setTimeout(r));

describe('EnvironmentsPage', () => {
  let api: FakeApi;
  let envs: Environment[];

  beforeEach(() => {
    envs = [
      environmentFactory({ Id: 1, Name: 'alpha' }),
      environmentFactory({ Id: 2, Name: 'beta', URL: 'tcp://10.0.0.2:2375' }),
      environmentFactory({
        Id: 3,
        Name: 'gamma',
        ContainerEngine: 'podman',
        URL: 'unix:///run/podman/podman.sock',
      }),
    ];
    api = new FakeApi()
      .on('GET /api/endpoints', () => ({ body: envs, headers: { 'X-Total-Count': String(envs.length) } }))
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
        ],
      })
      .on('DELETE /api/endpoints', (req) => {
        const ids = (req.body as { endpoints: { id: number }[] }).endpoints.map((e) => e.id);
        envs = envs.filter((e) => !ids.includes(e.Id));
        return { body: { deleted: ids, errors: [] } };
      });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
  });

  async function setup() {
    const fixture = TestBed.createComponent(EnvironmentsPage);
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
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const check = async (id: string) => {
      const box = byId<HTMLInputElement>(id)!;
      box.checked = true;
      box.dispatchEvent(new Event('change'));
      await settle();
    };
    return { byId, settle, check };
  }

  it('lists every environment with its type', async () => {
    const { byId } = await setup();
    expect(byId('env-admin-row-alpha')?.textContent).toContain('Docker · socket');
    expect(byId('env-admin-row-beta')?.textContent).toContain('Docker · API');
    expect(byId('env-admin-row-gamma')?.textContent).toContain('Podman · socket');
    expect(byId<HTMLButtonElement>('env-delete-selected')!.disabled).toBe(true);
  });

  it('deletes the selected environments in one batch, only after confirmation', async () => {
    const { byId, settle, check } = await setup();
    await check('env-select-alpha');
    await check('env-select-gamma');
    expect(byId('env-delete-selected')?.textContent).toContain('(2)');
    byId<HTMLButtonElement>('env-delete-selected')!.click();
    await settle();
    expect(document.querySelector('[data-testid="confirm-dialog"]')?.textContent).toContain('alpha, gamma');
    expect(api.last('DELETE /api/endpoints')).toBeUndefined();
    document.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]')!.click();
    await settle();
    expect(api.last('DELETE /api/endpoints')?.body).toEqual({ endpoints: [{ id: 1 }, { id: 3 }] });
    expect(byId('env-admin-row-alpha')).toBeNull();
    expect(byId('env-admin-row-gamma')).toBeNull();
    expect(byId('env-admin-row-beta')).not.toBeNull();
  });

  it('keeps everything when the confirmation is cancelled', async () => {
    const { byId, settle, check } = await setup();
    await check('env-select-all');
    expect(byId('env-delete-selected')?.textContent).toContain('(3)');
    byId<HTMLButtonElement>('env-delete-selected')!.click();
    await settle();
    document.querySelector<HTMLButtonElement>('[data-testid="confirm-cancel"]')!.click();
    await settle();
    expect(api.last('DELETE /api/endpoints')).toBeUndefined();
    expect(byId('env-admin-row-beta')).not.toBeNull();
  });
});
