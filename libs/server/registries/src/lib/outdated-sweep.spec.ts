import { describe, expect, it } from 'vitest';
import { EnvironmentType } from '@capstan/contracts-api';
import type { EnvironmentsService } from '@capstan/server-environments';
import type { EnvironmentUpdates } from './environment-updates';
import { OutdatedSweep } from './outdated-sweep';

function setup() {
  const envs = [
    { id: 1, name: 'one', type: EnvironmentType.Docker },
    { id: 2, name: 'down', type: EnvironmentType.Agent },
    { id: 3, name: 'kube', type: EnvironmentType.KubernetesAgent },
  ];
  let calls = 0;
  const environments = { all: () => Promise.resolve(envs) } as unknown as EnvironmentsService;
  const updates = {
    containers: async (env: { id: number }) => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      if (env.id === 2) throw new Error('ECONNREFUSED');
      return {
        containers: [
          { Id: 'a', Names: ['/web'], Image: 'reg/app:1', ImageID: 'x' },
          { Id: 'b', Names: ['/db'], Image: 'reg/db:1', ImageID: 'y' },
        ],
        statuses: { a: { Status: 'outdated', Message: '' }, b: { Status: 'updated', Message: '' } },
      };
    },
  } as unknown as EnvironmentUpdates;
  const sweep = new OutdatedSweep(environments, updates, { now: () => 1_700_000_000_000 });
  return { sweep, calls: () => calls };
}

describe('OutdatedSweep', () => {
  it('records the out-of-date containers of every Docker environment, and why one could not be checked', async () => {
    const { sweep, calls } = setup();
    expect(sweep.summary()).toMatchObject({ CheckedAt: 0, Outdated: 0, Environments: [] });
    // A second ask while a pass runs joins it.
    await Promise.all([sweep.sweep(), sweep.sweep()]);
    expect(calls()).toBe(2);
    const s = sweep.summary();
    expect(s.CheckedAt).toBe(1_700_000_000);
    expect(s.Outdated).toBe(1);
    expect(s.Running).toBe(false);
    expect(s.Environments).toEqual([
      {
        EnvironmentId: 1,
        EnvironmentName: 'one',
        CheckedAt: 1_700_000_000,
        Containers: 2,
        Outdated: [{ Id: 'a', Name: 'web', Image: 'reg/app:1' }],
      },
      {
        EnvironmentId: 2,
        EnvironmentName: 'down',
        CheckedAt: 1_700_000_000,
        Containers: 0,
        Outdated: [],
        Error: 'ECONNREFUSED',
      },
    ]);
  });
});
