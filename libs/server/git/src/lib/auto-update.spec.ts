import { describe, expect, it, vi } from 'vitest';
import { BadRequestError } from '@capstan/server-core';
import { GitAutoUpdater, GitRedeployPort, type CommitSource, type GitDeployment } from './auto-update';
import { GitWebhookCommand } from './git-webhook.command';

/** A fake deployments side: the port is what the unit test replaces. */
class FakeDeployments extends GitRedeployPort {
  readonly deployments = new Map<number, GitDeployment>();
  readonly down = new Set<number>();
  readonly redeploys: { id: number; commit: string; trigger: string }[] = [];
  redeployGate: Promise<void> = Promise.resolve();

  add(id: number, deployedCommit: string, forceUpdate = false): void {
    this.deployments.set(id, {
      remote: { url: `http://git/${id}.git` },
      reference: 'main',
      deployedCommit,
      forceUpdate,
    });
  }
  load(id: number): Promise<GitDeployment | null> {
    return Promise.resolve(this.deployments.get(id) ?? null);
  }
  environmentUp(id: number): Promise<boolean> {
    return Promise.resolve(!this.down.has(id));
  }
  async redeploy(id: number, commit: string, trigger: 'interval' | 'webhook'): Promise<void> {
    await this.redeployGate;
    this.redeploys.push({ id, commit, trigger });
    const d = this.deployments.get(id);
    if (d) d.deployedCommit = commit;
  }
}

function remoteAt(commits: Map<string, string>): CommitSource & { calls: number; peak: number } {
  let inFlight = 0;
  const source = {
    calls: 0,
    peak: 0,
    async latestCommit(remote: { url: string }): Promise<string> {
      source.calls++;
      inFlight++;
      source.peak = Math.max(source.peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const c = commits.get(remote.url);
      if (!c) throw new Error('unreachable');
      return c;
    },
  };
  return source;
}

describe('GitAutoUpdater', () => {
  it('redeploys on a new commit, skips an unchanged one unless forced', async () => {
    const port = new FakeDeployments();
    const remote = new Map([
      ['http://git/1.git', 'a'],
      ['http://git/2.git', 'a'],
    ]);
    port.add(1, 'a');
    port.add(2, 'a', true);
    const updater = new GitAutoUpdater(port, remoteAt(remote));
    expect(await updater.check(1, 'interval')).toEqual({ outcome: 'unchanged', commit: 'a' });
    expect(await updater.check(2, 'interval')).toEqual({ outcome: 'updated', commit: 'a' });
    remote.set('http://git/1.git', 'b');
    expect(await updater.check(1, 'webhook')).toEqual({ outcome: 'updated', commit: 'b' });
    expect(await updater.check(1, 'interval')).toEqual({ outcome: 'unchanged', commit: 'b' });
    expect(port.redeploys).toEqual([
      { id: 2, commit: 'a', trigger: 'interval' },
      { id: 1, commit: 'b', trigger: 'webhook' },
    ]);
  });

  it('skips a down environment without asking git, and drops the job of a deployment that is gone', async () => {
    const port = new FakeDeployments();
    const source = remoteAt(new Map([['http://git/1.git', 'b']]));
    port.add(1, 'a');
    port.down.add(1);
    const updater = new GitAutoUpdater(port, source);
    expect((await updater.check(1, 'interval')).outcome).toBe('environment-down');
    expect(source.calls).toBe(0);
    updater.schedule(9, 60_000);
    expect(await updater.check(9, 'interval')).toEqual({ outcome: 'gone' });
    expect(updater.scheduled()).toEqual([]);
  });

  it('runs one check per deployment at a time: a second one while the first deploys is busy', async () => {
    const port = new FakeDeployments();
    port.add(1, 'a');
    let release!: () => void;
    port.redeployGate = new Promise((r) => (release = r));
    const updater = new GitAutoUpdater(port, remoteAt(new Map([['http://git/1.git', 'b']])));
    const first = updater.check(1, 'interval');
    await vi.waitFor(() => expect(updater.isRunning(1)).toBe(true));
    expect(await updater.check(1, 'webhook')).toEqual({ outcome: 'busy' });
    release();
    expect((await first).outcome).toBe('updated');
    expect(port.redeploys).toHaveLength(1);
  });

  it('reports a failing git call as failed and never throws', async () => {
    const port = new FakeDeployments();
    port.add(1, 'a');
    const failures: number[] = [];
    const updater = new GitAutoUpdater(port, remoteAt(new Map()), { onFailure: (id) => failures.push(id) });
    expect(await updater.check(1, 'interval')).toEqual({ outcome: 'failed', error: 'unreachable' });
    expect(failures).toEqual([1]);
  });

  it('bounds concurrent git commands over a pass, restores jobs and fires them on their interval', async () => {
    const port = new FakeDeployments();
    const remote = new Map<string, string>();
    for (let id = 1; id <= 40; id++) {
      port.add(id, 'a');
      remote.set(`http://git/${id}.git`, id % 2 ? 'a' : 'b');
    }
    const source = remoteAt(remote);
    const updater = new GitAutoUpdater(port, source, { concurrency: 4 });
    updater.restore([...port.deployments.keys()].map((id) => ({ id, intervalMs: 3_600_000 })));
    const results = await updater.checkAll();
    expect(source.peak).toBe(4);
    expect([...results.values()].filter((r) => r.outcome === 'updated')).toHaveLength(20);
    updater.stop();

    vi.useFakeTimers();
    try {
      const timed = new GitAutoUpdater(port, source);
      remote.set('http://git/1.git', 'c');
      timed.schedule(1, 1000);
      await vi.advanceTimersByTimeAsync(999);
      expect(port.deployments.get(1)?.deployedCommit).toBe('a');
      await vi.advanceTimersByTimeAsync(10);
      expect(port.deployments.get(1)?.deployedCommit).toBe('c');
      timed.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('parses the webhook id as a command: a UUID or a 400', () => {
    const id = '3f2a1b9c-0d12-4e5f-8a9b-0c1d2e3f4a5b';
    expect(GitWebhookCommand.parse({ webhookId: id }).webhookId).toBe(id);
    expect(GitWebhookCommand.parse({ WebhookID: id }).webhookId).toBe(id);
    for (const bad of ['', '../x', 'not-a-uuid', 42]) {
      expect(() => GitWebhookCommand.parse({ webhookId: bad })).toThrow(BadRequestError);
    }
  });
});
