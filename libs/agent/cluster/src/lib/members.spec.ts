import { describe, expect, it } from 'vitest';

import { MemberIdentity, MemberTable, toAgentListItem, withSelf } from './members';

const id = (nodeName: string, role: 'manager' | 'worker' = 'worker', leader = false): MemberIdentity => ({
  nodeName,
  role,
  leader,
  edgeKeySet: false,
});

describe('MemberTable', () => {
  it('lists members by node name whatever the order they were seen in', () => {
    const t = new MemberTable(10_000);
    t.seen('10.0.0.3', 9001, id('node3'), 1);
    t.seen('10.0.0.1', 9001, id('node1', 'manager', true), 1);
    t.seen('10.0.0.2', 9001, id('node2'), 1);
    expect(t.list().map((m) => m.nodeName)).toEqual(['node1', 'node2', 'node3']);
  });

  it('drops a member silent for longer than the expiry and names it as lost until it answers again', () => {
    const t = new MemberTable(5_000);
    t.seen('10.0.0.1', 9001, id('node1', 'manager'), 0);
    t.seen('10.0.0.2', 9001, id('node2'), 0);
    t.seen('10.0.0.1', 9001, id('node1', 'manager'), 4_000);
    expect(t.expire(5_000)).toEqual([]);
    const dropped = t.expire(5_001);
    expect(dropped.map((m) => m.nodeName)).toEqual(['node2']);
    expect(t.list().map((m) => m.nodeName)).toEqual(['node1']);
    expect(t.lost()).toEqual(['node2']);
    t.seen('10.0.0.7', 9001, id('node2'), 6_000); // back, on a new task address
    expect(t.lost()).toEqual([]);
    expect(t.byNodeName('node2')?.address).toBe('10.0.0.7');
  });

  it('forgets a lost node after the forget window', () => {
    const t = new MemberTable(1_000, 60_000);
    t.seen('10.0.0.2', 9001, id('node2'), 0);
    t.expire(2_000);
    expect(t.lost()).toEqual(['node2']);
    t.expire(62_001);
    expect(t.lost()).toEqual([]);
  });

  it('keeps one entry per node name: the most recently seen address (a task being replaced)', () => {
    const t = new MemberTable(10_000);
    t.seen('10.0.0.2', 9001, id('node2'), 1_000);
    t.seen('10.0.0.9', 9001, id('node2'), 2_000);
    expect(t.list()).toHaveLength(1);
    expect(t.byNodeName('node2')?.address).toBe('10.0.0.9');
    // the old address expiring does not mark the node lost: it still has a live task
    t.expire(11_500);
    expect(t.lost()).toEqual([]);
    expect(t.list().map((m) => m.address)).toEqual(['10.0.0.9']);
  });

  it('prefers the leader among managers', () => {
    const t = new MemberTable(10_000);
    t.seen('10.0.0.1', 9001, id('node1', 'manager', false), 1);
    t.seen('10.0.0.2', 9001, id('node2', 'manager', true), 1);
    t.seen('10.0.0.3', 9001, id('node3'), 1);
    expect(t.manager()?.nodeName).toBe('node2');
    const noLeader = new MemberTable(10_000);
    noLeader.seen('10.0.0.3', 9001, id('node3'), 1);
    noLeader.seen('10.0.0.1', 9001, id('node1', 'manager'), 1);
    expect(noLeader.manager()?.nodeName).toBe('node1');
    expect(new MemberTable(1).manager()).toBeUndefined();
  });

  it('passes over a manager the caller cannot use (failed liveness check), unless it is the only one', () => {
    const t = new MemberTable(10_000);
    t.seen('10.0.0.1', 9001, id('node1', 'manager', true), 1);
    t.seen('10.0.0.2', 9001, id('node2', 'manager', false), 1);
    t.seen('10.0.0.3', 9001, id('node3'), 1);
    expect(t.manager((m) => m.nodeName === 'node1')?.nodeName).toBe('node2');
    expect(t.manager((m) => m.role === 'manager')?.nodeName).toBe('node1');
  });

  it('lists the agent itself when its own address did not answer a probe (DNS missing its new task), once', () => {
    const t = new MemberTable(10_000);
    t.seen('10.0.1.3', 9001, id('node2'), 1);
    t.seen('10.0.1.4', 9001, id('node3'), 1);
    const self = { ...id('node1', 'manager', true), address: '10.0.1.9', port: 9001, lastSeen: 2 };
    expect(withSelf(t.list(), self).map((m) => [m.nodeName, m.address])).toEqual([
      ['node1', '10.0.1.9'],
      ['node2', '10.0.1.3'],
      ['node3', '10.0.1.4'],
    ]);
    // Found through its own address like any peer: that entry stays, no second one.
    t.seen('10.0.1.5', 9001, id('node1', 'manager', true), 3);
    expect(withSelf(t.list(), self).map((m) => [m.nodeName, m.address])).toEqual([
      ['node1', '10.0.1.5'],
      ['node2', '10.0.1.3'],
      ['node3', '10.0.1.4'],
    ]);
  });

  it('maps a member to the /agents item with a string port', () => {
    const t = new MemberTable(10_000);
    t.seen('10.0.0.1', 9001, { nodeName: 'node1', role: 'manager', leader: true, edgeKeySet: true }, 1);
    expect(toAgentListItem(t.list()[0])).toEqual({
      IPAddress: '10.0.0.1',
      Port: '9001',
      NodeName: 'node1',
      NodeRole: 'manager',
      EdgeKeySet: true,
    });
  });
});
