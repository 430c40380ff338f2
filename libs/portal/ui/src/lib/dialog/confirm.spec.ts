import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';

import { ConfirmHost } from './confirm-host';
import { ConfirmService } from './confirm.service';

function setup() {
  const fixture = TestBed.createComponent(ConfirmHost);
  document.body.appendChild(fixture.nativeElement as HTMLElement);
  fixture.detectChanges();
  const confirm = TestBed.inject(ConfirmService);
  const el = fixture.nativeElement as HTMLElement;
  return { fixture, confirm, el };
}

describe('ConfirmService + ConfirmHost', () => {
  it('shows an accessible modal dialog and resolves true on confirm', async () => {
    const { fixture, confirm, el } = setup();
    const answer = confirm.ask({
      title: 'Delete user',
      message: 'Delete bob?',
      confirmLabel: 'Delete',
      danger: true,
    });
    fixture.detectChanges();
    await fixture.whenStable();
    const dialog = el.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Delete user');
    expect(dialog.textContent).toContain('Delete bob?');
    el.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]')!.click();
    expect(await answer).toBe(true);
    fixture.detectChanges();
    expect(el.querySelector('[role="dialog"]')).toBeNull();
  });

  it('Escape closes the dialog and resolves false', async () => {
    const { fixture, confirm, el } = setup();
    const answer = confirm.ask({ title: 'Sure?', message: 'Really?' });
    fixture.detectChanges();
    el.querySelector('[role="dialog"]')!.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }),
    );
    expect(await answer).toBe(false);
  });

  it('moves focus into the dialog when it opens', async () => {
    const { fixture, confirm, el } = setup();
    void confirm.ask({ title: 'Sure?', message: 'Really?' });
    fixture.detectChanges();
    await fixture.whenStable();
    expect(el.querySelector('[role="dialog"]')!.contains(document.activeElement)).toBe(true);
    confirm.answer(false);
  });
});
