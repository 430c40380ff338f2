import { TestBed } from '@angular/core/testing';
import { TeamsApi, UsersApi } from '@capstan/portal-data-access';
import { ToastService } from '@capstan/portal-ui';
import { describe, expect, it, vi } from 'vitest';

import { AccessCandidates, PageWork } from './page-work';

describe('PageWork', () => {
  function setup() {
    const toasts = TestBed.inject(ToastService);
    const success = vi.spyOn(toasts, 'success');
    const error = vi.spyOn(toasts, 'error');
    const work = TestBed.runInInjectionContext(() => new PageWork());
    return { work, success, error };
  }

  it('is busy while a save runs, ignores a second one, then toasts the success', async () => {
    const t = setup();
    let finish = (): void => undefined;
    const first = t.work.run('Group saved', () => new Promise<void>((r) => (finish = r)));
    expect(t.work.busy()).toBe(true);
    const second = vi.fn();
    await t.work.run('Again', second);
    expect(second).not.toHaveBeenCalled();
    finish();
    await first;
    expect(t.work.busy()).toBe(false);
    expect(t.success).toHaveBeenCalledWith('Group saved');
  });

  it("toasts the error's message and is free again", async () => {
    const t = setup();
    await t.work.run('Group saved', () => Promise.reject(new Error('name taken')));
    expect(t.error).toHaveBeenCalledWith('name taken');
    expect(t.success).not.toHaveBeenCalled();
    expect(t.work.busy()).toBe(false);
  });
});

describe('AccessCandidates', () => {
  it('keeps the list that loads when the other is refused', async () => {
    TestBed.configureTestingModule({
      providers: [
        { provide: UsersApi, useValue: { list: () => Promise.reject(new Error('403')) } },
        { provide: TeamsApi, useValue: { list: () => Promise.resolve([{ Id: 3, Name: 'qa' }]) } },
      ],
    });
    const candidates = TestBed.runInInjectionContext(() => new AccessCandidates());
    await candidates.load();
    expect(candidates.users()).toEqual([]);
    expect(candidates.teams()).toEqual([{ Id: 3, Name: 'qa' }]);
  });
});
