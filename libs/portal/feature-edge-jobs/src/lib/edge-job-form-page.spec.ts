import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import {
  FakeApi,
  SessionStore,
  environmentFactory,
  provideFakeApi,
  userFactory,
} from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { EdgeJobFormPage, runOnceExpression, schedulePreview } from './edge-job-form-page';

const flush = () => new Promise((r) => setTimeout(r));
const NOW = new Date(2026, 11, 7, 23, 50);

describe('schedule helpers', () => {
  it('previews a schedule in words with its next run, or says what is wrong', () => {
    expect(schedulePreview('*/5 * * * *', true, NOW)).toMatchObject({ ok: true });
    expect(schedulePreview('*/5 * * * *', true, NOW).text).toMatch(/^Runs every 5 minutes; next: /);
    expect(schedulePreview('0 12 * * 1-5', true, NOW).text).toContain('at 12:00 on Monday to Friday');
    expect(schedulePreview('61 * * * *', true, NOW)).toEqual({
      ok: false,
      text: expect.stringMatching(/minute/),
    });
    expect(schedulePreview('0 0 L * *', true, NOW).ok).toBe(false);
    expect(schedulePreview('', false, NOW)).toEqual({ ok: false, text: 'Pick a date and time.' });
    expect(schedulePreview('*/5 * * * *', false, NOW).ok).toBe(false);
  });

  it("writes a moment as Portainer's run-once expression", () => {
    expect(runOnceExpression('2026-12-24T14:05')).toBe('5 14 24 12 *');
    expect(runOnceExpression('')).toBe('');
    expect(schedulePreview(runOnceExpression('2026-12-24T14:05'), false, NOW).text).toMatch(
      /^Runs once, at 14:05/,
    );
  });
});

describe('EdgeJobFormPage', () => {
  let api: FakeApi;

  beforeEach(async () => {
    api = new FakeApi()
      .on('GET /api/users/me', { body: userFactory({ Id: 1, Username: 'admin', Role: 1 }) })
      .on('GET /api/users/1/memberships', { body: [] })
      .on('GET /api/endpoints', {
        body: [
          environmentFactory({ Id: 3, Name: 'shop-1', Type: 4 }),
          environmentFactory({ Id: 4, Name: 'shop-2', Type: 4 }),
        ],
      })
      .on('GET /api/edge_groups', { body: [{ Id: 9, Name: 'shops', Endpoints: [3, 4] }] })
      .on('POST /api/edge_jobs/create/string', { body: { Id: 12, Name: 'df' } });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
    await TestBed.inject(SessionStore).refresh();
  });

  async function render() {
    const fixture = TestBed.createComponent(EdgeJobFormPage);
    document.body.appendChild(fixture.nativeElement as HTMLElement);
    await flush();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const type = (id: string, value: string) => {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    const settle = async () => {
      fixture.detectChanges();
      await flush();
      fixture.detectChanges();
    };
    return { el, byId, type, settle };
  }

  it('creates a job for the picked environments and group, then opens it', async () => {
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    const { byId, type, settle } = await render();
    type('edge-job-name', 'df');
    type('edge-job-cron', '*/15 * * * *');
    await settle();
    expect(byId('edge-job-preview')?.textContent).toContain('every 15 minutes');
    byId<HTMLInputElement>('edge-job-target-4')!.click();
    byId<HTMLInputElement>('edge-job-group-9')!.click();
    byId<HTMLButtonElement>('edge-job-save')!.click();
    await settle();
    await settle();
    expect(api.last('POST /api/edge_jobs/create/string')?.body).toMatchObject({
      Name: 'df',
      CronExpression: '*/15 * * * *',
      Recurring: true,
      Endpoints: [4],
      EdgeGroups: [9],
    });
    expect(navigate).toHaveBeenCalledWith(['/edge/jobs', 12]);
  });

  it('sends nothing while the schedule, name or targets are wrong', async () => {
    const { el, byId, type, settle } = await render();
    type('edge-job-name', '../bad');
    type('edge-job-cron', '0 0 * * 1#2');
    await settle();
    expect(byId('edge-job-preview')?.classList).toContain('bad');
    byId<HTMLButtonElement>('edge-job-save')!.click();
    await settle();
    expect(api.last('POST /api/edge_jobs/create/string')).toBeUndefined();
    expect(el.textContent).toContain('Pick at least one edge environment or edge group.');
    expect(el.textContent).toContain('A name of letters');
  });
});
