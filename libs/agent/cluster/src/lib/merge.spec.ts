import { describe, expect, it } from 'vitest';

import { mergeFanOut, NodeResult } from './merge';

const ok = (nodeName: string, body: unknown): NodeResult => ({ nodeName, ok: true, body });

describe('mergeFanOut', () => {
  it('tags every item with its node and orders by node name, then the engine order, whatever the completion order', () => {
    const merged = mergeFanOut('containers', [
      ok('node3', [{ Id: 'c' }]),
      ok('node1', [{ Id: 'a2' }, { Id: 'a1' }]),
      ok('node2', []),
    ]);
    expect(merged.body).toEqual([
      { Id: 'a2', Portainer: { Agent: { NodeName: 'node1' } } },
      { Id: 'a1', Portainer: { Agent: { NodeName: 'node1' } } },
      { Id: 'c', Portainer: { Agent: { NodeName: 'node3' } } },
    ]);
    expect(merged.unreachable).toEqual([]);
  });

  it('overwrites an existing Portainer key (as the original)', () => {
    const merged = mergeFanOut('images', [ok('node1', [{ Id: 'i', Portainer: { ResourceControl: {} } }])]);
    expect(merged.body).toEqual([{ Id: 'i', Portainer: { Agent: { NodeName: 'node1' } } }]);
  });

  it('unwraps volumes, treats null as empty and answers {Volumes} without Warnings', () => {
    const merged = mergeFanOut('volumes', [
      ok('node2', { Volumes: null, Warnings: ['w'] }),
      ok('node1', { Volumes: [{ Name: 'v' }], Warnings: null }),
    ]);
    expect(merged.body).toEqual({ Volumes: [{ Name: 'v', Portainer: { Agent: { NodeName: 'node1' } } }] });
    expect(merged.unreachable).toEqual([]);
  });

  it('reports failed nodes (transport, engine error, bad shapes) sorted, and keeps the others', () => {
    const merged = mergeFanOut('networks', [
      { nodeName: 'node3', ok: false, error: 'connect EHOSTUNREACH' },
      ok('node1', [{ Id: 'n' }]),
      ok('node2', { message: 'engine down' }),
      ok('node4', { not: 'a list' }),
      ok('node5', [1, 2]),
    ]);
    expect(merged.body).toEqual([{ Id: 'n', Portainer: { Agent: { NodeName: 'node1' } } }]);
    expect(merged.unreachable).toEqual(['node2', 'node3', 'node4', 'node5']);
    expect(merged.errors['node2']).toContain('engine down');
    expect(merged.errors['node3']).toBe('connect EHOSTUNREACH');
  });
});
