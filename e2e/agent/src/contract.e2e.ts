import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { engineCall, errorOf, fixture, RunningAgent, ServerKey, startAgent } from './support/agent';

interface Example {
  request: {
    method: string;
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: unknown;
    signed?: boolean;
    multipart?: unknown;
    upgrade?: string;
  };
  response: {
    status: number;
    error?: string;
    body?: unknown;
    withoutAgentHeaders?: boolean;
    orWhenOffline?: unknown;
  };
}

const examples = fixture<Record<string, Example>>('examples.json');
const VOLUME = `capstan-agent-contract-${process.pid}`;

/** The examples this suite can replay as they are: no upload, no upgrade, no cluster, no internet. */
const replayable = Object.entries(examples).filter(
  ([name, e]) =>
    !e.request.multipart &&
    !e.request.upgrade &&
    !e.response.orWhenOffline &&
    !['agentsCluster', 'hostInfo', 'dockerPassThrough', 'browseGet', 'browseDelete', 'browseLs'].includes(
      name,
    ) &&
    !name.startsWith('browseRename'),
);

describe('agent: contract examples (libs/contracts/agent/fixtures/examples.json)', () => {
  let agent: RunningAgent;
  const server = new ServerKey();

  beforeAll(async () => {
    await engineCall('POST', '/volumes/create', { Name: VOLUME });
    agent = await startAgent({ HOST_ROOT: '/tmp/capstan-agent-no-host-root' });
  });
  afterAll(async () => {
    await agent.stop();
    await engineCall('DELETE', `/volumes/${VOLUME}?force=1`);
  });

  it('replays at least the error examples', () => {
    expect(replayable.map(([n]) => n)).toEqual(
      expect.arrayContaining(['missingSignature', 'key', 'agentsStandalone', 'browseTraversal', 'ping']),
    );
  });

  it.each(replayable)('%s', async (_name, example) => {
    const { request, response } = example;
    const query = new URLSearchParams(
      Object.entries(request.query ?? {}).map(([k, v]) => [k, k === 'volumeID' && v === 'data' ? VOLUME : v]),
    ).toString();
    const headers: Record<string, string> = {
      ...(request.signed === false ? {} : server.headers()),
      ...request.headers,
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const reply = await agent.call(request.method, `${request.path}${query ? `?${query}` : ''}`, {
      headers,
      body,
    });
    expect(reply.status).toBe(response.status);
    if (response.error) {
      const expected = errorOf(response.error as Parameters<typeof errorOf>[0]);
      const got = reply.json() as { message: string; details: string };
      expect(got.message).toBe(expected.message);
      if (expected.details) expect(got.details).toBe(expected.details);
    } else if (response.body === null) {
      expect(reply.body).toHaveLength(0);
    } else if (response.body !== undefined) {
      expect(reply.json()).toEqual(response.body);
    }
    if (response.withoutAgentHeaders) expect(reply.headers['portainer-agent']).toBeUndefined();
    else expect(reply.headers['portainer-agent']).toBe('2.23.0');
  });
});
