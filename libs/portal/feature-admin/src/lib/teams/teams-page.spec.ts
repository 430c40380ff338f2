import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { FakeApi, SessionStore, type Team, provideFakeApi, userFactory } from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { TeamsPage } from './teams-page';

const flush = () => new Promise((r) => setTimeout(r));

describe('TeamsPage', () => {
  let api: FakeApi;
  let teams: Team[];

  beforeEach(() => {
    teams = [{ Id: 7, Name: 'ops' }];
    api = new FakeApi()
      .on('GET /api/teams', () => ({ body: teams }))
      .on('GET /api/users/me', { body: userFactory({ Id: 1, Username: 'admin', Role: 1 }) })
      .on('GET /api/users/1/memberships', { body: [] })
      .on('GET /api/users', {
        body: [userFactory({ Id: 1, Username: 'admin', Role: 1 }), userFactory({ Id: 2, Username: 'bob' })],
      });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
  });

  async function setup() {
    await TestBed.inject(SessionStore).refresh();
    const fixture = TestBed.createComponent(TeamsPage);
    document.body.append(fixture.nativeElement as HTMLElement);
    await flush();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        fixture.detectChanges();
        await flush();
      }
    };
    const type = (id: string, value: string) => {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    return { el, byId, settle, type };
  }

  it('adds a team with its leader: a name is needed, a refusal stays in the dialog', async () => {
    let refuse = true;
    api.on('POST /api/teams', (req) => {
      if (refuse) return { status: 409, body: { message: 'Team name already taken', details: '' } };
      const body = req.body as { name: string };
      teams = [...teams, { Id: 8, Name: body.name }];
      return { body: teams[1] };
    });
    const { byId, settle, type } = await setup();
    byId<HTMLButtonElement>('team-create')!.click();
    await settle();
    byId<HTMLButtonElement>('team-save')!.click();
    await settle();
    expect(api.last('POST /api/teams')).toBeUndefined();
    expect(byId('team-dialog')?.textContent).toContain('Enter a team name.');

    type('team-name', ' devs ');
    const leader = byId<HTMLSelectElement>('team-leader')!;
    leader.value = '2';
    leader.dispatchEvent(new Event('change'));
    byId<HTMLButtonElement>('team-save')!.click();
    await settle();
    expect(byId('team-dialog')?.textContent).toContain('Team name already taken');

    refuse = false;
    byId<HTMLButtonElement>('team-save')!.click();
    await settle();
    expect(api.last('POST /api/teams')?.body).toEqual({ name: 'devs', teamLeaders: [2] });
    expect(byId('team-dialog')).toBeNull();
    expect(byId('team-row-devs')).not.toBeNull();
  });

  it('renames a team from its row, the dialog opening with the current name', async () => {
    api.on('PUT /api/teams/7', (req) => {
      teams = [{ Id: 7, Name: (req.body as { name: string }).name }];
      return { body: teams[0] };
    });
    const { byId, settle, type } = await setup();
    byId<HTMLButtonElement>('team-rename-ops')!.click();
    await settle();
    expect(byId('team-dialog')?.textContent).toContain('Rename ops');
    expect(byId<HTMLInputElement>('team-name')!.value).toBe('ops');
    expect(byId('team-leader')).toBeNull();
    type('team-name', 'operations');
    byId<HTMLButtonElement>('team-save')!.click();
    await settle();
    expect(api.last('PUT /api/teams/7')?.body).toEqual({ name: 'operations' });
    expect(byId('team-dialog')).toBeNull();
    expect(byId('team-row-operations')).not.toBeNull();
  });
});
