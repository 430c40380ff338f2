import type { Type } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import {
  type Environment,
  type EnvironmentGroup,
  FakeApi,
  environmentFactory,
  provideFakeApi,
  userFactory,
} from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { GroupDetailPage } from './group-detail-page';
import { GroupsPage } from './groups-page';

const flush = () => new Promise((r) => setTimeout(r));

function group(overrides: Partial<EnvironmentGroup>): EnvironmentGroup {
  return {
    Id: 1,
    Name: 'Unassigned',
    Description: '',
    TagIds: [],
    UserAccessPolicies: {},
    TeamAccessPolicies: {},
    ...overrides,
  };
}

describe('environment groups', () => {
  let api: FakeApi;
  let groups: EnvironmentGroup[];
  let envs: Environment[];

  beforeEach(() => {
    groups = [
      group({ Id: 1, Name: 'Unassigned' }),
      group({ Id: 2, Name: 'Production', TeamAccessPolicies: { '7': { RoleId: 4 } } }),
    ];
    envs = [
      environmentFactory({ Id: 1, Name: 'alpha', GroupId: 1 }),
      environmentFactory({ Id: 2, Name: 'beta', GroupId: 2 }),
    ];
    api = new FakeApi()
      .on('GET /api/endpoint_groups', () => ({ body: groups }))
      .on('GET /api/endpoints', () => ({ body: envs }))
      .on('GET /api/tags', { body: [] })
      .on('GET /api/roles', {
        body: [
          { Id: 1, Name: 'Environment administrator', Description: '', Priority: 1, Authorizations: {} },
          { Id: 4, Name: 'Read-only user', Description: '', Priority: 5, Authorizations: {} },
        ],
      })
      .on('GET /api/users', { body: [userFactory({ Id: 2, Username: 'bob', Role: 2 })] })
      .on('GET /api/teams', { body: [{ Id: 7, Name: 'devs' }] })
      .on('PUT /api/endpoint_groups/2', (req) => {
        groups[1] = { ...groups[1], ...(req.body as Partial<EnvironmentGroup>) };
        return { body: groups[1] };
      })
      .on('PUT /api/endpoint_groups/2/endpoints/1', () => {
        envs[0] = { ...envs[0], GroupId: 2 };
        return { status: 204 };
      });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
  });

  async function render<T>(component: Type<T>, id?: string) {
    const fixture = TestBed.createComponent(component);
    if (id) fixture.componentRef.setInput('id', id);
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

  it('never offers to delete "Unassigned"', async () => {
    const { byId } = await render(GroupsPage);
    expect(byId('group-row-Unassigned')).not.toBeNull();
    expect(byId('group-delete-Unassigned')).toBeNull();
    expect(byId('group-delete-Production')).not.toBeNull();
  });

  it('adds a group: a name is needed, a refusal stays in the dialog, then the new group opens', async () => {
    let refuse = true;
    api.on('POST /api/endpoint_groups', (req) => {
      if (refuse) return { status: 409, body: { message: 'A group with this name exists', details: '' } };
      return { body: group({ Id: 3, ...(req.body as Partial<EnvironmentGroup>) }) };
    });
    const { byId, settle } = await render(GroupsPage);
    const type = (id: string, value: string) => {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    byId<HTMLButtonElement>('group-create')!.click();
    await settle();
    byId<HTMLButtonElement>('group-save')!.click();
    await settle();
    expect(api.last('POST /api/endpoint_groups')).toBeUndefined();
    expect(byId('group-dialog')?.textContent).toContain('Enter a name.');

    type('group-name', 'Staging');
    type('group-description', 'pre-production');
    byId<HTMLButtonElement>('group-save')!.click();
    await settle();
    expect(byId('group-dialog')?.textContent).toContain('A group with this name exists');

    refuse = false;
    byId<HTMLButtonElement>('group-save')!.click();
    await settle();
    expect(api.last('POST /api/endpoint_groups')?.body).toMatchObject({
      Name: 'Staging',
      Description: 'pre-production',
    });
    expect(byId('group-dialog')).toBeNull();
  });

  it('moves an environment into the group and saves team access for the whole group', async () => {
    const { byId, settle } = await render(GroupDetailPage, '2');
    expect(byId<HTMLInputElement>('group-member-beta')!.checked).toBe(true);
    const alpha = byId<HTMLInputElement>('group-member-alpha')!;
    expect(alpha.checked).toBe(false);
    alpha.checked = true;
    alpha.dispatchEvent(new Event('change'));
    await settle();
    expect(api.last('PUT /api/endpoint_groups/2/endpoints/1')).toBeDefined();
    expect(byId<HTMLInputElement>('group-member-alpha')!.checked).toBe(true);

    expect(byId<HTMLSelectElement>('access-team-role-devs')!.value).toBe('4');
    const role = byId<HTMLSelectElement>('access-team-role-devs')!;
    role.value = '1';
    role.dispatchEvent(new Event('change'));
    await settle();
    byId<HTMLButtonElement>('access-save')!.click();
    await settle();
    expect(api.last('PUT /api/endpoint_groups/2')?.body).toEqual({
      UserAccessPolicies: {},
      TeamAccessPolicies: { '7': { RoleId: 1 } },
    });
  });
});
