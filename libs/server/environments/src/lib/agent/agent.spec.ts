import { describe, expect, it } from 'vitest';
import { AGENT_HEADERS } from '@capstan/contracts-agent';
import { agentHeaders, withAgentTarget, type EngineConnection } from '../engine/engine-connection';
import { normaliseAgentUrl } from './agent-ping';
import { swarmTotals } from './swarm-totals';

const signed = { [AGENT_HEADERS.publicKey]: 'ab', [AGENT_HEADERS.signature]: 'cd' };
const agentConnection: EngineConnection = {
  url: 'tcp://10.0.0.1:9001',
  tls: true,
  tlsSkipVerify: true,
  timeoutMs: 0,
  agent: { headers: signed },
};

describe('agent URLs', () => {
  it('accepts Portainer forms and defaults the port to 9001', () => {
    expect(normaliseAgentUrl('tcp://10.0.0.1:9001')).toBe('tcp://10.0.0.1:9001');
    expect(normaliseAgentUrl('10.0.0.1:9002')).toBe('tcp://10.0.0.1:9002');
    expect(normaliseAgentUrl('agent.example')).toBe('tcp://agent.example:9001');
    expect(normaliseAgentUrl(' tasks.agent ')).toBe('tcp://tasks.agent:9001');
    expect(normaliseAgentUrl('[::1]:9001')).toBe('tcp://[::1]:9001');
  });

  it('refuses what cannot reach an agent, with a 400', () => {
    for (const bad of [
      '',
      'unix:///var/run/docker.sock',
      'ftp://x:1',
      'tcp://x:9001/path',
      'http://u:p@x:9001',
    ]) {
      expect(() => normaliseAgentUrl(bad), bad).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});

describe('agent routing headers', () => {
  it('adds the target node only when one is named, and only for agents', () => {
    expect(agentHeaders({ headers: signed })).toEqual(signed);
    const targeted = withAgentTarget(agentConnection, 'worker-1');
    expect(targeted.agent && agentHeaders(targeted.agent)).toEqual({
      ...signed,
      [AGENT_HEADERS.target]: 'worker-1',
    });
    expect(withAgentTarget(agentConnection, '')).toBe(agentConnection);
    expect(withAgentTarget(agentConnection, undefined)).toBe(agentConnection);
    const direct: EngineConnection = {
      url: 'unix:///var/run/docker.sock',
      tls: false,
      tlsSkipVerify: false,
      timeoutMs: 0,
    };
    expect(withAgentTarget(direct, 'worker-1')).toBe(direct);
  });

  it('refuses node names that could smuggle header or path text', () => {
    for (const bad of ['a b', 'x\r\nX-Evil: 1', '../x', '-lead', 'x'.repeat(300)]) {
      expect(() => withAgentTarget(agentConnection, bad), bad).toThrow(
        expect.objectContaining({ status: 400 }),
      );
    }
  });
});

describe('swarm totals', () => {
  it('sums CPU (whole CPUs) and memory over the nodes; none without nodes', () => {
    const node = (nano: number, mem: number) => ({
      Description: { Resources: { NanoCPUs: nano, MemoryBytes: mem } },
    });
    expect(swarmTotals([node(2e9, 1024), node(1.5e9, 2048), {}])).toEqual({ TotalCPU: 3, TotalMemory: 3072 });
    expect(swarmTotals([])).toBeUndefined();
  });
});
