import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { beforeEach, describe, expect, it } from 'vitest';

import { FakeApi, provideFakeApi } from '../testing/fake-api';
import { AdminApi } from './admin-api.service';

describe('AdminApi', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideFakeApi(api)] });
  });

  it('sends the log filters as query parameters, dropping empty ones', async () => {
    api.on('GET /api/audit/auth-logs', { body: { logs: [], totalCount: 0 } });
    await TestBed.inject(AdminApi).authLogs({
      offset: 25,
      limit: 25,
      username: 'bob',
      keyword: '',
      type: 'failure',
    });
    const query = new URLSearchParams(api.last('GET /api/audit/auth-logs')?.search);
    expect(Object.fromEntries(query)).toEqual({
      offset: '25',
      limit: '25',
      username: 'bob',
      type: 'failure',
    });
  });

  it('never sends the authentication-only type filter to the activity log', async () => {
    api.on('GET /api/audit/activity-logs', { body: { logs: [], totalCount: 0 } });
    await TestBed.inject(AdminApi).activityLogs({ keyword: 'users', type: 'success' });
    expect(api.last('GET /api/audit/activity-logs')?.search).toBe('?keyword=users');
  });

  it('builds the CSV export URL from the filter, without paging', () => {
    const url = TestBed.inject(AdminApi).exportUrl('activity', {
      after: 100,
      before: 200,
      offset: 50,
      limit: 25,
      username: 'a b',
    });
    expect(url).toBe('/api/audit/activity-logs/export?after=100&before=200&username=a+b');
    expect(TestBed.inject(AdminApi).exportUrl('auth', {})).toBe('/api/audit/auth-logs/export');
  });
});
