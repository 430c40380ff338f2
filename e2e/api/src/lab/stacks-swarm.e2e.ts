/**
 * Swarm stacks on the Swarm lab (e2e/api/src/lab: the lab is up and locked, see support/lab.ts): node1, the
 * manager, added as a plain Docker socket environment; `docker stack deploy` runs through Capstan's local
 * endpoint for that environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSocketEnvironment, expectApiError, uniqueName, withAdminServer } from '../support/fixtures';
import { labCall, labSocket, useLab, type LabHold } from './support/lab';

const NODE1 = labSocket(1);
const IMAGE = 'capstan/busybox:local';

interface Service {
  ID: string;
  Spec: { Name: string; Labels: Record<string, string>; Mode: { Replicated?: { Replicas: number } } };
}

const stackFile = (replicas: number) =>
  `version: "3.8"\nservices:\n  web:\n    image: ${IMAGE}\n    command: ["sleep", "3600"]\n    deploy:\n      replicas: ${replicas}\n`;

describe('Swarm stacks on the Swarm lab (real docker stack deploy)', { timeout: 240_000 }, () => {
  const env = withAdminServer();
  let lab: LabHold | undefined;
  let name = '';

  beforeAll(async () => {
    lab = await useLab();
  });
  afterAll(async () => {
    try {
      if (!lab?.unavailable && name) {
        const left = await labCall<Service[]>(1, 'GET', '/services');
        for (const s of left.body)
          if (s.Spec.Labels['com.docker.stack.namespace'] === name)
            await labCall(1, 'DELETE', `/services/${s.ID}`);
      }
    } finally {
      lab?.release();
    }
  });

  const services = async (stack: string) =>
    (await labCall<Service[]>(1, 'GET', '/services')).body.filter(
      (s) => s.Spec.Labels['com.docker.stack.namespace'] === stack,
    );

  it('deploys, updates (replicas), stops, starts and removes a Swarm stack', async (ctx) => {
    if (lab?.unavailable) return ctx.skip(lab.unavailable);
    const { server, admin } = env;
    const envId = await addSocketEnvironment(server, admin, { url: `unix://${NODE1}` });
    const swarm = await labCall<{ ID: string }>(1, 'GET', '/swarm');

    name = uniqueName('swarmstack');
    expectApiError(
      await server.request('POST', `/api/stacks/create/swarm/string?endpointId=${envId}`, {
        token: admin,
        body: { Name: name, StackFileContent: stackFile(1), SwarmID: 'not-this-cluster' },
      }),
      400,
      /SwarmID/,
    );
    const stack = await server.request<{ Id: number; Type: number; SwarmId: string }>(
      'POST',
      `/api/stacks/create/swarm/string?endpointId=${envId}`,
      { token: admin, body: { Name: name, StackFileContent: stackFile(1), SwarmID: swarm.body.ID } },
    );
    expect(stack.status, stack.text).toBe(200);
    expect(stack.body).toMatchObject({ Type: 1, SwarmId: swarm.body.ID });
    expect((await services(name)).map((s) => s.Spec.Mode.Replicated?.Replicas)).toEqual([1]);

    const list = await server.request<{ Id: number }[]>(
      'GET',
      `/api/stacks?filters=${encodeURIComponent(JSON.stringify({ SwarmID: swarm.body.ID }))}`,
      { token: admin },
    );
    expect(list.body.map((s) => s.Id)).toContain(stack.body.Id);

    const updated = await server.request('PUT', `/api/stacks/${stack.body.Id}?endpointId=${envId}`, {
      token: admin,
      body: { StackFileContent: stackFile(2), Prune: true },
    });
    expect(updated.status, updated.text).toBe(200);
    expect((await services(name)).map((s) => s.Spec.Mode.Replicated?.Replicas)).toEqual([2]);

    const stop = await server.request('POST', `/api/stacks/${stack.body.Id}/stop`, { token: admin });
    expect(stop.status, stop.text).toBe(200);
    expect(await services(name)).toHaveLength(0);
    const start = await server.request('POST', `/api/stacks/${stack.body.Id}/start`, { token: admin });
    expect(start.status, start.text).toBe(200);
    expect(await services(name)).toHaveLength(1);
    expect((await server.request('DELETE', `/api/stacks/${stack.body.Id}`, { token: admin })).status).toBe(
      204,
    );
    expect(await services(name)).toHaveLength(0);
  });
});
