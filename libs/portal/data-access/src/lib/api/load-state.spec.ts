import { describe, expect, it } from 'vitest';

import { LoadState } from './load-state';

describe('LoadState', () => {
  it('clears the error and the loading flag after a load that works', async () => {
    const state = new LoadState();
    state.error.set('old');
    await state.run('the volume', () => {
      expect(state.loading()).toBe(true);
      return Promise.resolve();
    });
    expect(state.loading()).toBe(false);
    expect(state.error()).toBeNull();
  });

  it('names what it could not load and why', async () => {
    const state = new LoadState();
    await state.run('the network', () => Promise.reject(new Error('no such network')));
    expect(state.loading()).toBe(false);
    expect(state.error()).toBe('Could not load the network: no such network');
  });
});
