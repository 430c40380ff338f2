import { TestBed } from '@angular/core/testing';
import { describe, expect, it, vi } from 'vitest';

import { ToastService } from '../toast/toast.service';
import { ConfirmService } from './confirm.service';
import { type ConfirmedAction, confirmedAction } from './confirmed-action';

function setup(answer: boolean) {
  const confirm = TestBed.inject(ConfirmService);
  vi.spyOn(confirm, 'ask').mockResolvedValue(answer);
  const toasts = TestBed.inject(ToastService);
  const success = vi.spyOn(toasts, 'success');
  const error = vi.spyOn(toasts, 'error');
  const act = TestBed.runInInjectionContext(() => confirmedAction());
  return { confirm, success, error, act };
}

function action(run: () => Promise<unknown>, then = vi.fn().mockResolvedValue(undefined)): ConfirmedAction {
  return {
    title: 'Delete team',
    message: 'Delete the team qa?',
    confirmLabel: 'Delete',
    run,
    done: 'Team qa deleted',
    then,
    failed: (e) => `Could not delete qa: ${(e as Error).message}`,
  };
}

describe('confirmedAction', () => {
  it('asks (danger), runs, toasts the success, then goes on', async () => {
    const t = setup(true);
    const run = vi.fn().mockResolvedValue(undefined);
    const then = vi.fn().mockResolvedValue(undefined);
    await t.act(action(run, then));
    expect(t.confirm.ask).toHaveBeenCalledWith({
      title: 'Delete team',
      message: 'Delete the team qa?',
      confirmLabel: 'Delete',
      danger: true,
    });
    expect(run).toHaveBeenCalledOnce();
    expect(t.success).toHaveBeenCalledWith('Team qa deleted');
    expect(then).toHaveBeenCalledOnce();
  });

  it('does nothing when the user says no', async () => {
    const t = setup(false);
    const run = vi.fn();
    const then = vi.fn();
    await t.act(action(run, then));
    expect(run).not.toHaveBeenCalled();
    expect(then).not.toHaveBeenCalled();
  });

  it('toasts the failure and does not go on', async () => {
    const t = setup(true);
    const then = vi.fn();
    await t.act(action(() => Promise.reject(new Error('in use')), then));
    expect(t.error).toHaveBeenCalledWith('Could not delete qa: in use');
    expect(t.success).not.toHaveBeenCalled();
    expect(then).not.toHaveBeenCalled();
  });
});
