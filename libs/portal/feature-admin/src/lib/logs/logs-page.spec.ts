import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, provideRouter } from '@angular/router';
import { FakeApi, provideFakeApi } from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { LogsPage, toUnixSeconds } from './logs-page';

const flush = () => new Promise((r) => setTimeout(r));

function authLogs(offset: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: offset + i + 1,
    timestamp: 1_700_000_000 + i,
    username: 'bob',
    context: 'internal',
    origin: '127.0.0.1',
    type: i % 2 ? 'failure' : 'success',
  }));
}

describe('LogsPage (authentication log)', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi().on('GET /api/audit/auth-logs', (req) => {
      const offset = Number(new URLSearchParams(req.search).get('offset') ?? 0);
      return { body: { logs: authLogs(offset, 25), totalCount: 60 } };
    });
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        provideRouter([]),
        { provide: ActivatedRoute, useValue: { snapshot: { data: { kind: 'auth' } } } },
      ],
    });
  });

  async function setup() {
    const fixture = TestBed.createComponent(LogsPage);
    await flush();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`)!;
    const settle = async () => {
      fixture.detectChanges();
      await flush();
      fixture.detectChanges();
    };
    return { fixture, el, byId, settle };
  }

  it('loads the first page with offset/limit and shows the total', async () => {
    const { el, byId } = await setup();
    expect(new URLSearchParams(api.last('GET /api/audit/auth-logs')?.search).get('limit')).toBe('25');
    expect(el.querySelectorAll('tbody tr')).toHaveLength(25);
    expect(byId('table-range').textContent).toContain('1–25 of 60');
    expect(byId('log-row-2').textContent).toContain('failure');
  });

  it('applies the filters to the query and to the CSV export link, and pages from the server', async () => {
    const { el, byId, settle } = await setup();
    const username = byId<HTMLInputElement>('logs-username');
    username.value = 'bob';
    username.dispatchEvent(new Event('input'));
    const type = byId<HTMLSelectElement>('logs-type');
    type.value = 'failure';
    type.dispatchEvent(new Event('change'));
    byId<HTMLButtonElement>('logs-apply').click();
    await settle();

    const query = new URLSearchParams(api.last('GET /api/audit/auth-logs')?.search);
    expect(Object.fromEntries(query)).toEqual({ offset: '0', limit: '25', username: 'bob', type: 'failure' });
    expect(byId<HTMLAnchorElement>('logs-export').getAttribute('href')).toBe(
      '/api/audit/auth-logs/export?username=bob&type=failure',
    );

    el.querySelector<HTMLButtonElement>('[aria-label="Next page"]')!.click();
    await settle();
    expect(new URLSearchParams(api.last('GET /api/audit/auth-logs')?.search).get('offset')).toBe('25');
    expect(byId('table-range').textContent).toContain('26–50 of 60');
  });

  it('turns the datetime-local inputs into unix seconds', () => {
    expect(toUnixSeconds('')).toBeUndefined();
    expect(toUnixSeconds('2024-01-02T03:04')).toBe(Math.floor(new Date('2024-01-02T03:04').getTime() / 1000));
  });
});

describe('LogsPage (activity log)', () => {
  it('says what happened in words, the request kept below as the detail', async () => {
    const entry = (id: number, description: string, method: string, path: string) => ({
      id,
      timestamp: 1_700_000_000,
      username: 'admin',
      userId: 1,
      method,
      path,
      environmentId: null,
      status: 200,
      payload: '',
      description,
      requestId: `r${id}`,
    });
    const api = new FakeApi().on('GET /api/audit/activity-logs', {
      body: {
        logs: [
          entry(1, 'changed ownership of container web', 'PUT', '/api/resource_controls/6'),
          entry(2, '', 'POST', '/api/something/new'),
        ],
        totalCount: 2,
      },
    });
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        provideRouter([]),
        { provide: ActivatedRoute, useValue: { snapshot: { data: { kind: 'activity' } } } },
      ],
    });
    const fixture = TestBed.createComponent(LogsPage);
    await flush();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const text = (id: string) => el.querySelector(`[data-testid="${id}"]`)?.textContent?.trim();
    expect(text('log-description-1')).toBe('changed ownership of container web');
    expect(text('log-request-1')).toBe('PUT /api/resource_controls/6');
    expect(el.querySelector('[data-testid="log-request-1"]')?.classList).toContain('detail');
    // Nothing to say in words: the request alone, as before.
    expect(el.querySelector('[data-testid="log-description-2"]')).toBeNull();
    expect(text('log-request-2')).toBe('POST /api/something/new');
  });
});
