import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import {
  type Environment,
  FakeApi,
  environmentFactory,
  provideFakeApi,
  userFactory,
} from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { EnvironmentEditPage } from './environment-edit-page';

const flush = () => new Promise((r) => setTimeout(r));

const ROLES = [
  { Id: 1, Name: 'Environment administrator', Description: '', Priority: 1, Authorizations: {} },
  { Id: 2, Name: 'Helpdesk', Description: '', Priority: 3, Authorizations: {} },
  { Id: 3, Name: 'Standard user', Description: '', Priority: 4, Authorizations: {} },
  { Id: 4, Name: 'Read-only user', Description: '', Priority: 5, Authorizations: {} },
  { Id: 5, Name: 'Operator', Description: '', Priority: 2, Authorizations: {} },
];

describe('EnvironmentEditPage', () => {
  let api: FakeApi;
  let env: Environment;

  beforeEach(() => {
    env = environmentFactory({
      Id: 3,
      Name: 'local',
      UserAccessPolicies: { '2': { RoleId: 4 } },
      TeamAccessPolicies: {},
    });
    api = new FakeApi()
      .on('GET /api/endpoints/3', () => ({ body: env }))
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
      .on('GET /api/tags', { body: [] })
      .on('GET /api/roles', { body: ROLES })
      .on('GET /api/users', {
        body: [
          userFactory({ Id: 1, Username: 'admin', Role: 1 }),
          userFactory({ Id: 2, Username: 'bob', Role: 2 }),
          userFactory({ Id: 3, Username: 'carol', Role: 2 }),
        ],
      })
      .on('GET /api/teams', { body: [{ Id: 7, Name: 'devs' }] })
      .on('PUT /api/endpoints/3', (req) => {
        env = { ...env, ...(req.body as Partial<Environment>) };
        return { body: env };
      })
      .on('PUT /api/endpoints/3/settings', (req) => {
        env = { ...env, SecuritySettings: { ...env.SecuritySettings, ...(req.body as object) } };
        return { body: env };
      });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
  });

  async function setup() {
    const fixture = TestBed.createComponent(EnvironmentEditPage);
    fixture.componentRef.setInput('id', '3');
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
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const select = async (id: string, value: string) => {
      const s = byId<HTMLSelectElement>(id)!;
      s.value = value;
      s.dispatchEvent(new Event('change'));
      await settle();
    };
    const click = async (id: string) => {
      byId<HTMLButtonElement>(id)!.click();
      await settle();
    };
    return { fixture, el, byId, settle, select, click };
  }

  it('edits user and team access policies with a role and saves them in one PUT', async () => {
    const { byId, select, click } = await setup();
    await click('edit-tab-access');
    expect(byId('access-user-row-bob')).not.toBeNull();
    expect(byId<HTMLSelectElement>('access-user-role-bob')!.value).toBe('4');
    // Roles are offered by priority, as GET /api/roles names them.
    expect(
      Array.from(byId<HTMLSelectElement>('access-user-role-bob')!.options).map((o) => o.textContent?.trim()),
    ).toEqual(['Environment administrator', 'Operator', 'Helpdesk', 'Standard user', 'Read-only user']);
    // Bob already has a policy: only the others can be added.
    const candidates = Array.from(byId<HTMLSelectElement>('access-add-user')!.options).map((o) => o.value);
    expect(candidates).toEqual(['', '1', '3']);
    expect(byId<HTMLButtonElement>('access-save')!.disabled).toBe(true);

    await select('access-add-user', '3');
    await select('access-add-user-role', '5');
    await click('access-add-user-submit');
    await select('access-user-role-bob', '3');
    await select('access-add-team', '7');
    await click('access-add-team-submit');
    expect(byId<HTMLSelectElement>('access-team-role-devs')!.value).toBe('3');
    await click('access-save');

    expect(api.last('PUT /api/endpoints/3')?.body).toEqual({
      UserAccessPolicies: { '2': { RoleId: 3 }, '3': { RoleId: 5 } },
      TeamAccessPolicies: { '7': { RoleId: 3 } },
    });
    // The saved state is the new baseline.
    expect(byId<HTMLButtonElement>('access-save')!.disabled).toBe(true);
  });

  it('removes a policy', async () => {
    const { byId, click } = await setup();
    await click('edit-tab-access');
    await click('access-user-remove-bob');
    expect(byId('access-user-row-bob')).toBeNull();
    await click('access-save');
    expect(api.last('PUT /api/endpoints/3')?.body).toEqual({
      UserAccessPolicies: {},
      TeamAccessPolicies: {},
    });
  });

  it('saves the security toggles for regular users with their API names', async () => {
    const { byId, click, settle } = await setup();
    await click('edit-tab-security');
    const privileged = byId<HTMLInputElement>('security-allowPrivilegedModeForRegularUsers')!;
    expect(privileged.checked).toBe(true);
    privileged.checked = false;
    privileged.dispatchEvent(new Event('change'));
    await settle();
    await click('security-save');
    const body = api.last('PUT /api/endpoints/3/settings')?.body as Record<string, boolean>;
    expect(body['allowPrivilegedModeForRegularUsers']).toBe(false);
    expect(body['allowBindMountsForRegularUsers']).toBe(true);
  });

  it('saves name, URL and public URL', async () => {
    const { byId, click, settle } = await setup();
    const name = byId<HTMLInputElement>('edit-name')!;
    expect(name.value).toBe('local');
    name.value = 'host-a';
    name.dispatchEvent(new Event('input'));
    await settle();
    await click('edit-save');
    expect(api.last('PUT /api/endpoints/3')?.body).toEqual({
      Name: 'host-a',
      URL: 'unix:///var/run/docker.sock',
      GroupID: 1,
      TagIds: [],
      PublicURL: '',
    });
  });
});
