import { describe, expect, it, vi } from 'vitest';

import { DialogForm } from './dialog-form';

describe('DialogForm', () => {
  it('opens afresh: fields reset, no error, field errors hidden', () => {
    const form = new DialogForm();
    form.error.set('old');
    form.submitted.set(true);
    const reset = vi.fn();
    form.show(reset);
    expect(reset).toHaveBeenCalledOnce();
    expect(form.open()).toBe(true);
    expect(form.error()).toBeNull();
    expect(form.submitted()).toBe(false);
  });

  it('does not run the work while the form is invalid, but shows the field errors', async () => {
    const form = new DialogForm();
    const work = vi.fn();
    expect(await form.submit(() => true, work)).toBe(false);
    expect(work).not.toHaveBeenCalled();
    expect(form.submitted()).toBe(true);
  });

  it('is busy while the work runs and ignores a second submit meanwhile', async () => {
    const form = new DialogForm();
    let finish!: () => void;
    const work = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const first = form.submit(() => false, work);
    expect(form.busy()).toBe(true);
    expect(await form.submit(() => false, work)).toBe(false);
    finish();
    expect(await first).toBe(true);
    expect(work).toHaveBeenCalledOnce();
    expect(form.busy()).toBe(false);
  });

  it("keeps the work's error for the dialog to show", async () => {
    const form = new DialogForm();
    expect(
      await form.submit(
        () => false,
        () => Promise.reject(new Error('name taken')),
      ),
    ).toBe(false);
    expect(form.error()).toBe('name taken');
    expect(form.busy()).toBe(false);
  });
});
