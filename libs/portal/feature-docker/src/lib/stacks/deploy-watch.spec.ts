import type { DeployWatchHandlers, StacksApi } from '@capstan/portal-data-access';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { DEPLOY_RETRY_MS, DeployWatch, watched } from './deploy-watch';

/** A StacksApi whose progress sockets the test drives. */
function fakeApi() {
  const sockets: { id: number; h: DeployWatchHandlers; closed: boolean }[] = [];
  const api = {
    watchDeploy: (id: number, h: DeployWatchHandlers) => {
      const s = { id, h, closed: false };
      sockets.push(s);
      return { close: () => (s.closed = true) };
    },
  } as unknown as StacksApi;
  return { api, sockets };
}

describe('DeployWatch (progress over the WebSocket)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows the lines as they arrive and follows again when a connection ends before the request', async () => {
    const { api, sockets } = fakeApi();
    const watch = new DeployWatch(api, () => Promise.resolve(9));
    watch.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(1);
    // The deploy had not begun: the server sent the last log and done; the watch connects again.
    sockets[0].h.line('old log');
    sockets[0].h.done();
    await vi.advanceTimersByTimeAsync(DEPLOY_RETRY_MS);
    expect(sockets).toHaveLength(2);
    sockets[1].h.line(' Container s-web-1  Creating');
    sockets[1].h.line(' Container s-web-1  Started');
    expect(watch.log()).toBe(' Container s-web-1  Creating\n Container s-web-1  Started');
    expect(watch.live()).toBe(true);
    // The request answered: the final log is read once more over a new connection.
    const stopped = watch.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets[1].closed).toBe(true);
    sockets[2].h.line('final 1');
    sockets[2].h.line('final 2');
    sockets[2].h.done();
    await stopped;
    expect(watch.log()).toBe('final 1\nfinal 2');
    await vi.advanceTimersByTimeAsync(DEPLOY_RETRY_MS * 3);
    expect(sockets).toHaveLength(3);
  });

  it("waits for a new stack's id before connecting, and keeps the log when the final read fails", async () => {
    const { api, sockets } = fakeApi();
    let id: number | null = null;
    const watch = new DeployWatch(api, () => Promise.resolve(id));
    let answer: (v: string) => void = () => undefined;
    const run = watched(watch, () => new Promise<string>((r) => (answer = r)));
    await vi.advanceTimersByTimeAsync(DEPLOY_RETRY_MS * 2);
    expect(sockets).toHaveLength(0);
    id = 12;
    await vi.advanceTimersByTimeAsync(DEPLOY_RETRY_MS);
    expect(sockets.map((s) => s.id)).toEqual([12]);
    sockets[0].h.line('Pulling');
    answer('created');
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(2);
    sockets[1].h.failed();
    expect(await run).toBe('created');
    expect(watch.log()).toBe('Pulling');
  });

  it('dispose closes the open connection and stops following', async () => {
    const { api, sockets } = fakeApi();
    const watch = new DeployWatch(api, () => Promise.resolve(3));
    watch.start();
    await vi.advanceTimersByTimeAsync(0);
    watch.dispose();
    expect(sockets[0].closed).toBe(true);
    sockets[0].h.failed();
    await vi.advanceTimersByTimeAsync(DEPLOY_RETRY_MS * 3);
    expect(sockets).toHaveLength(1);
  });
});
