import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import {
  FakeApi,
  SessionStore,
  environmentFactory,
  provideFakeApi,
  userFactory,
} from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { EdgeJobDetailsPage } from './edge-job-details-page';

const flush = () => new Promise((r) => setTimeout(r));

describe('EdgeJobDetailsPage', () => {
  let api: FakeApi;
  let logsStatus = 1;

  beforeEach(async () => {
    logsStatus = 1;
    api = new FakeApi()
      .on('GET /api/users/me', { body: userFactory({ Id: 1, Username: 'admin', Role: 1 }) })
      .on('GET /api/users/1/memberships', { body: [] })
      .on('GET /api/edge_jobs/7', {
        body: {
          Id: 7,
          Name: 'df',
          CronExpression: '*/5 * * * *',
          Recurring: true,
          Version: 2,
          Endpoints: { '3': { LogsStatus: 1, CollectLogs: false } },
          EdgeGroups: [9],
          GroupLogsCollection: {},
        },
      })
      .on('GET /api/edge_jobs/7/file', { body: { FileContent: 'df -h' } })
      .on('GET /api/edge_jobs/7/tasks', () => ({
        body: [
          {
            Id: 'edgejob_task_7_3',
            EndpointId: 3,
            LogsStatus: logsStatus,
            Explicit: true,
            LogsDate: 0,
            LogsSize: 0,
          },
          {
            Id: 'edgejob_task_7_4',
            EndpointId: 4,
            LogsStatus: 3,
            Explicit: false,
            LogsDate: 1765000000,
            LogsSize: 12,
          },
        ],
      }))
      .on('GET /api/endpoints', { body: [environmentFactory({ Id: 3, Name: 'shop-1', Type: 4 })] })
      .on('POST /api/edge_jobs/7/tasks/3/logs', () => {
        logsStatus = 2;
        return { status: 204 };
      })
      .on('GET /api/edge_jobs/7/tasks/4/logs', { body: { FileContent: 'Filesystem  Size\n' } });
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        provideRouter([]),
        { provide: ActivatedRoute, useValue: { snapshot: { paramMap: convertToParamMap({ id: '7' }) } } },
      ],
    });
    await TestBed.inject(SessionStore).refresh();
  });

  it('shows each environment with its log state, asks for a log and shows a collected one', async () => {
    const fixture = TestBed.createComponent(EdgeJobDetailsPage);
    document.body.appendChild(fixture.nativeElement as HTMLElement);
    const settle = async () => {
      fixture.detectChanges();
      await flush();
      fixture.detectChanges();
    };
    await settle();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    expect(el.textContent).toContain('every 5 minutes');
    expect(byId('edge-job-task-3')?.textContent).toContain('shop-1');
    expect(byId('edge-job-task-4')?.textContent).toContain('group');
    expect(byId('edge-job-logs-status-3')?.textContent?.trim()).toBe('Not collected');

    byId<HTMLButtonElement>('edge-job-collect-3')!.click();
    await settle();
    await settle();
    expect(api.last('POST /api/edge_jobs/7/tasks/3/logs')).toBeDefined();
    expect(byId('edge-job-logs-status-3')?.textContent?.trim()).toBe('Requested');
    expect(byId<HTMLButtonElement>('edge-job-collect-3')?.disabled).toBe(true);

    byId<HTMLButtonElement>('edge-job-view-4')!.click();
    await settle();
    expect(byId('edge-job-log')?.textContent).toContain('Filesystem  Size');
    fixture.destroy();
  });
});
