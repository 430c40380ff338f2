import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { ConfirmService, ToastService } from '@capstan/portal-ui';
import { describe, expect, it, vi } from 'vitest';

import { PairLines, removeAndLeave } from './detail-page';

describe('removeAndLeave', () => {
  function setup(answer: boolean) {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const confirm = TestBed.inject(ConfirmService);
    vi.spyOn(confirm, 'ask').mockResolvedValue(answer);
    const toasts = TestBed.inject(ToastService);
    const success = vi.spyOn(toasts, 'success');
    const error = vi.spyOn(toasts, 'error');
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    const run = TestBed.runInInjectionContext(() => removeAndLeave());
    return { confirm, success, error, navigate, run };
  }
  const removal = (remove: () => Promise<unknown>) => ({
    title: 'Remove volume',
    message: 'Remove the volume v1?',
    name: 'v1',
    done: 'Volume v1 removed',
    back: '../../volumes',
    remove,
  });

  it('asks (danger), removes, toasts and goes back to the list', async () => {
    const t = setup(true);
    const remove = vi.fn().mockResolvedValue(undefined);
    await t.run(removal(remove));
    expect(t.confirm.ask).toHaveBeenCalledWith({
      title: 'Remove volume',
      message: 'Remove the volume v1?',
      confirmLabel: 'Remove',
      danger: true,
    });
    expect(remove).toHaveBeenCalledOnce();
    expect(t.success).toHaveBeenCalledWith('Volume v1 removed');
    expect(t.navigate).toHaveBeenCalledWith(['../../volumes'], expect.anything());
  });

  it('does nothing when the user says no', async () => {
    const t = setup(false);
    const remove = vi.fn();
    await t.run(removal(remove));
    expect(remove).not.toHaveBeenCalled();
    expect(t.navigate).not.toHaveBeenCalled();
  });

  it('toasts the failure and stays', async () => {
    const t = setup(true);
    await t.run(removal(() => Promise.reject(new Error('volume is in use'))));
    expect(t.error).toHaveBeenCalledWith('Could not remove v1: volume is in use');
    expect(t.success).not.toHaveBeenCalled();
    expect(t.navigate).not.toHaveBeenCalled();
  });
});

@Component({
  imports: [PairLines],
  template: `<dd><cap-pair-lines [map]="map()" [small]="small()" /></dd>`,
})
class Host {
  readonly map = signal<Record<string, string> | null>(null);
  readonly small = signal(false);
}

describe('PairLines', () => {
  it('shows name=value lines, or a dash when there are none', () => {
    const fixture = TestBed.createComponent(Host);
    fixture.detectChanges();
    const dd = (fixture.nativeElement as HTMLElement).querySelector('dd') as HTMLElement;
    expect(dd.textContent?.trim()).toBe('—');
    fixture.componentInstance.map.set({ type: 'nfs', o: 'addr=10.0.0.1' });
    fixture.componentInstance.small.set(true);
    fixture.detectChanges();
    const lines = Array.from(dd.querySelectorAll('div.mono'));
    expect(lines.map((l) => l.textContent)).toEqual(['type=nfs', 'o=addr=10.0.0.1']);
    expect(lines.every((l) => l.classList.contains('small'))).toBe(true);
  });
});
