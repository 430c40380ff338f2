import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { beforeEach, describe, expect, it } from 'vitest';

import { FakeApi, provideFakeApi } from '../testing/fake-api';
import { EdgeJobsApi, edgeJobLogsLabel, type EdgeJob } from './edge-jobs-api';

const job = (over: Partial<EdgeJob> = {}): EdgeJob =>
  ({ Id: 5, Name: 'df', CronExpression: '* * * * *', Recurring: true, Version: 1, ...over }) as EdgeJob;

describe('EdgeJobsApi', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideFakeApi(api)] });
  });

  it("creates from a string with Portainer's field names", async () => {
    api.on('POST /api/edge_jobs/create/string', { body: job() });
    await TestBed.inject(EdgeJobsApi).create({
      name: 'df',
      cronExpression: '*/5 * * * *',
      recurring: true,
      endpoints: [3, 4],
      edgeGroups: [9],
      script: 'df -h',
    });
    expect(api.last('POST /api/edge_jobs/create/string')?.body).toEqual({
      Name: 'df',
      CronExpression: '*/5 * * * *',
      Recurring: true,
      Endpoints: [3, 4],
      EdgeGroups: [9],
      FileContent: 'df -h',
    });
  });

  it('asks for, reads and clears a task log by environment id', async () => {
    api.on('POST /api/edge_jobs/5/tasks/3/logs', { status: 204 });
    api.on('GET /api/edge_jobs/5/tasks/3/logs', { body: { FileContent: 'out\n' } });
    api.on('DELETE /api/edge_jobs/5/tasks/3/logs', { status: 204 });
    const jobs = TestBed.inject(EdgeJobsApi);
    await jobs.collectLogs(5, 3);
    expect(await jobs.logs(5, 3)).toBe('out\n');
    await jobs.clearLogs(5, 3);
    expect(api.last('DELETE /api/edge_jobs/5/tasks/3/logs')).toBeDefined();
  });

  it('keeps only what a job needs of the edge groups', async () => {
    api.on('GET /api/edge_groups', {
      body: [{ Id: 9, Name: 'shops', Endpoints: [3], Dynamic: true, TagIds: [1], HasEdgeJob: false }],
    });
    expect(await TestBed.inject(EdgeJobsApi).groups()).toEqual([{ Id: 9, Name: 'shops', Endpoints: [3] }]);
  });

  it('names the log states', () => {
    expect([1, 2, 3].map(edgeJobLogsLabel)).toEqual(['Not collected', 'Requested', 'Collected']);
  });
});
