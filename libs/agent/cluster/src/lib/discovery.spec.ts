import { describe, expect, it } from 'vitest';

import { ClusterDiscovery, parseClusterAddr, PeerAddress } from './discovery';
import { MemberIdentity, MemberTable } from './members';

describe('parseClusterAddr', () => {
  it('reads names, name:port and bracketed IPv6, with the agent port as default', () => {
    expect(parseClusterAddr('tasks.agent', 9001)).toEqual([{ host: 'tasks.agent', port: 9001 }]);
    expect(parseClusterAddr(' 127.0.0.1:9101, 127.0.0.1:9102 ,', 9001)).toEqual([
      { host: '127.0.0.1', port: 9101 },
      { host: '127.0.0.1', port: 9102 },
    ]);
    expect(parseClusterAddr('[fd00::1]', 9001)).toEqual([{ host: 'fd00::1', port: 9001 }]);
  });
});

describe('ClusterDiscovery', () => {
  it('re-resolves every round, learns identities from the peers and drops the silent ones', async () => {
    let now = 0;
    let peers: PeerAddress[] = [
      { address: '10.0.0.11', port: 9001 },
      { address: '10.0.0.12', port: 9001 },
    ];
    const answers = new Map<string, MemberIdentity | null>([
      ['10.0.0.11', { nodeName: 'node1', role: 'manager', leader: true, edgeKeySet: false }],
      ['10.0.0.12', { nodeName: 'node2', role: 'worker', leader: false, edgeKeySet: false }],
      ['10.0.0.13', { nodeName: 'node3', role: 'worker', leader: false, edgeKeySet: false }],
    ]);
    const table = new MemberTable(5_000);
    const d = new ClusterDiscovery(
      table,
      {
        resolve: () => Promise.resolve(peers),
        probe: (p) => Promise.resolve(answers.get(p.address) ?? null),
        now: () => now,
      },
      1_000,
    );
    await d.refresh();
    expect(table.list().map((m) => m.nodeName)).toEqual(['node1', 'node2']);

    peers = [...peers, { address: '10.0.0.13', port: 9001 }]; // a new task in DNS
    answers.set('10.0.0.12', null); // node2 stops answering
    now = 3_000;
    await d.refresh();
    expect(table.list().map((m) => m.nodeName)).toEqual(['node1', 'node2', 'node3']);
    now = 6_000;
    await d.refresh();
    expect(table.list().map((m) => m.nodeName)).toEqual(['node1', 'node3']);
    expect(table.lost()).toEqual(['node2']);
  });

  it('keeps the members through a failed DNS round until they expire', async () => {
    let now = 0;
    let fail = false;
    const table = new MemberTable(5_000);
    const d = new ClusterDiscovery(
      table,
      {
        resolve: () =>
          fail
            ? Promise.reject(new Error('ECONNREFUSED'))
            : Promise.resolve([{ address: '10.0.0.11', port: 9001 }]),
        probe: () => Promise.resolve({ nodeName: 'node1', role: 'manager', leader: true, edgeKeySet: false }),
        now: () => now,
      },
      1_000,
    );
    await d.refresh();
    fail = true;
    now = 2_000;
    await d.refresh();
    expect(table.list()).toHaveLength(1);
    now = 5_001;
    await d.refresh();
    expect(table.list()).toHaveLength(0);
  });
});
