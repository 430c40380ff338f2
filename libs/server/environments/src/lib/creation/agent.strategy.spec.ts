import { describe, expect, it } from 'vitest';
import { EnvironmentType } from '@capstan/contracts-api';
import { BadRequestError, UnprocessableError } from '@capstan/server-core';
import type { AgentKeysService } from '../agent/agent-keys.service';
import type { AgentIdentity } from '../agent/agent-ping';
import { AgentPingPort } from './agent-ping.port';
import { AgentCreation } from './agent.strategy';
import type { CreateEnvironmentInput } from './creation-strategy';
import { FakeDockerPort } from './fakes.spec-support';

class FakePing extends AgentPingPort {
  readonly asked: { url: string; timeoutMs: number }[] = [];
  answer: () => Promise<AgentIdentity> = () => Promise.resolve({ version: '2.19.4', platform: '1' });
  ping(url: string, timeoutMs: number): Promise<AgentIdentity> {
    this.asked.push({ url, timeoutMs });
    return this.answer();
  }
}

const SIGNATURE = { 'X-PortainerAgent-PublicKey': 'pk', 'X-PortainerAgent-Signature': 'sig' };

function setup() {
  const pinger = new FakePing();
  const docker = new FakeDockerPort();
  const keys = { headers: () => SIGNATURE } as unknown as AgentKeysService;
  return { pinger, docker, strategy: new AgentCreation(pinger, docker, keys) };
}

const input = (URL?: string): CreateEnvironmentInput => ({ EndpointCreationType: '2', URL, files: {} });

describe('AgentCreation (EndpointCreationType 2)', () => {
  it("drafts an agent environment on the agent's port (9001 by default), contacting nothing", () => {
    const { strategy, pinger, docker } = setup();
    expect(strategy.draft(input('agent.lan'))).toEqual({
      type: EnvironmentType.Agent,
      url: 'tcp://agent.lan:9001',
      containerEngine: 'docker',
      tls: true,
      tlsSkipVerify: true,
    });
    expect(strategy.draft(input('tcp://10.0.0.7:9101')).url).toBe('tcp://10.0.0.7:9101');
    expect(pinger.asked).toEqual([]);
    expect(docker.connections).toEqual([]);
  });

  it.each([
    ['no URL', undefined],
    ['a unix socket', 'unix:///var/run/docker.sock'],
  ])('refuses %s with a 400', (_, url) => {
    const { strategy } = setup();
    expect(() => strategy.draft(input(url))).toThrow(BadRequestError);
  });

  it("pings the agent, then proves it accepts this server's signature, and keeps its version", async () => {
    const { strategy, pinger, docker } = setup();
    const probed = await strategy.probe(strategy.draft(input('agent.lan')));
    expect(probed.agentVersion).toBe('2.19.4');
    expect(pinger.asked).toEqual([{ url: 'tcp://agent.lan:9001', timeoutMs: 5_000 }]);
    expect(docker.connections).toEqual([
      {
        url: 'tcp://agent.lan:9001',
        tls: true,
        tlsSkipVerify: true,
        timeoutMs: 5_000,
        agent: { headers: SIGNATURE },
      },
    ]);
  });

  it('passes on what the ping found (unreachable, not an agent) and asks nothing more', async () => {
    const { strategy, pinger, docker } = setup();
    pinger.answer = () => Promise.reject(new UnprocessableError('Unable to reach the agent', 'timeout'));
    await expect(strategy.probe(strategy.draft(input('agent.lan')))).rejects.toMatchObject({
      message: 'Unable to reach the agent',
    });
    expect(docker.connections).toEqual([]);
  });

  it('answers 422 when the agent refuses the signature (pinned to another server)', async () => {
    const { strategy, docker } = setup();
    docker.version = () => Promise.reject(Object.assign(new Error('forbidden'), { statusCode: 403 }));
    const failure = strategy.probe(strategy.draft(input('agent.lan')));
    await expect(failure).rejects.toBeInstanceOf(UnprocessableError);
    await expect(failure).rejects.toMatchObject({ message: 'The agent refused the server signature' });
  });

  it('answers 422 when the engine behind the agent does not answer', async () => {
    const { strategy, docker } = setup();
    docker.version = () => Promise.reject(Object.assign(new Error('bad gateway'), { statusCode: 502 }));
    await expect(strategy.probe(strategy.draft(input('agent.lan')))).rejects.toMatchObject({
      message: 'Unable to reach the Docker engine through the agent',
      details: 'tcp://agent.lan:9001: bad gateway',
    });
  });

  it('checks a moved agent like a new one, and an unchanged URL not at all', async () => {
    const { strategy, pinger } = setup();
    const current = { url: 'tcp://agent.lan:9001', agentVersion: '2.19.0' };
    await expect(strategy.checkUrl('agent.lan', current)).resolves.toBe(current);
    expect(pinger.asked).toEqual([]);
    await expect(strategy.checkUrl('other.lan', current)).resolves.toEqual({
      url: 'tcp://other.lan:9001',
      agentVersion: '2.19.4',
    });
    expect(pinger.asked).toHaveLength(1);
  });
});
