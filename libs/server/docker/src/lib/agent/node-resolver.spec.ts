import { describe, expect, it } from 'vitest';
import { AGENT_HEADERS } from '@capstan/contracts-agent';
import { agentHeaders, type EngineConnection } from '@capstan/server-environments';
import { AgentNodeResolver, type EngineCaller } from './node-resolver';

const agentConnection = (target?: string): EngineConnection => ({
  url: 'tcp://10.0.0.1:9001',
  tls: false,
  tlsSkipVerify: false,
  timeoutMs: 1000,
  agent: { headers: { [AGENT_HEADERS.publicKey]: 'ab', [AGENT_HEADERS.signature]: 'sig' }, target },
});

/** A 3-node agent cluster: c1 on node1, web (id abc123…) on node3, exec e9 made on node2. */
function cluster(members = ['node1', 'node2', 'node3']) {
  const calls: { path: string; target?: string }[] = [];
  const containers = [
    { Id: 'c1000000', Names: ['/db'], Portainer: { Agent: { NodeName: 'node1' } } },
    { Id: 'abc12345', Names: ['/web'], Portainer: { Agent: { NodeName: 'node3' } } },
    { Id: 'abd99999', Names: ['/web-old'], Portainer: { Agent: { NodeName: 'node2' } } },
  ];
  const call: EngineCaller = (c, _method, path) => {
    const target = c.agent?.target;
    calls.push({ path, target });
    if (path === '/agents')
      return Promise.resolve({ status: 200, body: members.map((NodeName) => ({ NodeName })) });
    const m = /^\/containers\/json\?all=1&filters=(.*)$/.exec(path);
    if (m) {
      const filters = JSON.parse(decodeURIComponent(m[1] ?? '')) as { id?: string[]; name?: string[] };
      const body = containers.filter(
        (x) =>
          (filters.id ?? []).some((id) => x.Id.startsWith(id)) ||
          (filters.name ?? []).some((n) => x.Names.some((name) => name.includes(n))),
      );
      return Promise.resolve({ status: 200, body });
    }
    if (path === '/exec/e9/json')
      return Promise.resolve(
        target === 'node2' ? { status: 200, body: { ID: 'e9' } } : { status: 404, body: {} },
      );
    if (path === '/exec/e404/json') return Promise.resolve({ status: 404, body: {} });
    return Promise.reject(new Error(`unexpected ${path}`));
  };
  return { call, calls };
}

describe('AgentNodeResolver', () => {
  it('targets the node of a container found by id prefix or exact name through the fanned-out list', async () => {
    const { call } = cluster();
    const r = new AgentNodeResolver(call);
    expect((await r.forContainer(agentConnection(), 'abc1')).agent?.target).toBe('node3');
    // "web" also matches "web-old" in Docker's substring name filter: only the exact name counts.
    expect((await r.forContainer(agentConnection(), 'web')).agent?.target).toBe('node3');
    expect((await r.forContainer(agentConnection(), 'db')).agent?.target).toBe('node1');
    // Sent as the target header.
    const c = await r.forContainer(agentConnection(), 'web-old');
    expect(c.agent && agentHeaders(c.agent)[AGENT_HEADERS.target]).toBe('node2');
  });

  it('targets the node that knows an exec id, asking every member', async () => {
    const { call, calls } = cluster();
    const r = new AgentNodeResolver(call);
    expect((await r.forExec(agentConnection(), 'e9')).agent?.target).toBe('node2');
    expect(
      calls
        .filter((c) => c.path === '/exec/e9/json')
        .map((c) => c.target)
        .sort(),
    ).toEqual(['node1', 'node2', 'node3']);
  });

  it('leaves the connection alone when a node is named, for direct engines, single agents and unknown ids', async () => {
    const { call, calls } = cluster();
    const r = new AgentNodeResolver(call);
    expect((await r.forContainer(agentConnection('node1'), 'web')).agent?.target).toBe('node1');
    const direct: EngineConnection = {
      url: 'unix:///var/run/docker.sock',
      tls: false,
      tlsSkipVerify: false,
      timeoutMs: 1,
    };
    expect(await r.forContainer(direct, 'web')).toBe(direct);
    expect(calls).toEqual([]);
    expect((await r.forContainer(agentConnection(), 'nothing-here')).agent?.target).toBeUndefined();
    expect((await r.forExec(agentConnection(), 'e404')).agent?.target).toBeUndefined();
    const single = new AgentNodeResolver(cluster(['only']).call);
    expect((await single.forContainer(agentConnection(), 'web')).agent?.target).toBeUndefined();
  });

  it('caches answers for the TTL and keeps at most maxEntries', async () => {
    let now = 0;
    const { call, calls } = cluster();
    const r = new AgentNodeResolver(call, { ttlMs: 30_000, maxEntries: 3, now: () => now });
    await r.forContainer(agentConnection(), 'web');
    const first = calls.length;
    await r.forContainer(agentConnection(), 'web');
    expect(calls.length).toBe(first);
    now = 31_000;
    await r.forContainer(agentConnection(), 'web');
    expect(calls.length).toBeGreaterThan(first);
    // Entries past maxEntries: the oldest (the member list) goes first, the newest stay.
    await r.forContainer(agentConnection(), 'db');
    await r.forContainer(agentConnection(), 'web-old');
    const before = calls.length;
    await r.forContainer(agentConnection(), 'web-old');
    await r.forContainer(agentConnection(), 'web');
    expect(calls.length).toBe(before);
    const agents = calls.filter((c) => c.path === '/agents').length;
    await r.forContainer(agentConnection(), 'abc1');
    expect(calls.filter((c) => c.path === '/agents').length).toBe(agents + 1);
  });

  it('asks a standalone agent (which refuses /agents) once per TTL, not on every call', async () => {
    const paths: string[] = [];
    const r = new AgentNodeResolver((_c, _m, path) => {
      paths.push(path);
      return Promise.resolve({ status: 404, body: { message: 'no cluster' } });
    });
    for (let i = 0; i < 3; i++)
      expect((await r.forContainer(agentConnection(), 'web')).agent?.target).toBeUndefined();
    await r.forExec(agentConnection(), 'e1');
    expect(paths).toEqual(['/agents']);
  });

  it('treats an agent that cannot be asked as nothing to resolve', async () => {
    const r = new AgentNodeResolver(() => Promise.reject(new Error('ECONNREFUSED')));
    expect((await r.forContainer(agentConnection(), 'web')).agent?.target).toBeUndefined();
  });
});
