/**
 * Service webhooks on the Swarm lab (e2e/api/src/lab: the lab is up and locked, see support/lab.ts): node1, the
 * manager, added as a plain Docker socket environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectApiError, uniqueName, withAdminServer } from '../support/fixtures';
import { labCall, labSocket, useLab, type LabHold } from './support/lab';

const NODE1 = labSocket(1);
const IMAGE = 'capstan/busybox:local';

interface Service {
  ID: string;
  Version: { Index: number };
  Spec: { TaskTemplate: { ForceUpdate?: number; ContainerSpec: { Image: string } } };
}

describe('Service webhooks on the Swarm lab (real multi-node Swarm)', () => {
  const env = withAdminServer();
  let serviceId = '';
  const others: string[] = [];
  let envId = 0;
  let lab: LabHold | undefined;

  beforeAll(async () => {
    lab = await useLab();
  });
  afterAll(async () => {
    try {
      if (!lab?.unavailable)
        for (const id of [serviceId, ...others]) if (id) await labCall(1, 'DELETE', `/services/${id}`);
    } finally {
      lab?.release();
    }
  });

  it('creates a webhook, the public URL force-updates the service, unknown tokens get 404, delete', async (ctx) => {
    if (lab?.unavailable) return ctx.skip(lab.unavailable);
    const { server, admin } = env;
    const f = new FormData();
    f.append('Name', uniqueName('swarm'));
    f.append('EndpointCreationType', '1');
    f.append('URL', `unix://${NODE1}`);
    const created = await fetch(`${server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}` },
      body: f,
    });
    const envBody = (await created.json()) as { Id: number };
    expect(created.status, JSON.stringify(envBody)).toBe(200);
    envId = envBody.Id;

    // A replicated service through Capstan's proxy; the lab prefers the node's own image (no registry).
    const name = uniqueName('capstan-hook');
    const svc = await server.request<{ ID: string }>(
      'POST',
      `/api/endpoints/${envId}/docker/services/create`,
      {
        token: admin,
        body: {
          Name: name,
          TaskTemplate: { ContainerSpec: { Image: IMAGE, Command: ['sleep', '3600'] } },
          Mode: { Replicated: { Replicas: 1 } },
        },
      },
    );
    expect(svc.status, svc.text).toBe(201);
    serviceId = svc.body.ID;
    const before = (await labCall<Service>(1, 'GET', `/services/${serviceId}`)).body;
    expect(before.Spec.TaskTemplate.ForceUpdate ?? 0).toBe(0);

    // Bad bodies are 400s, unknown services 404.
    expectApiError(
      await server.request('POST', '/api/webhooks', {
        token: admin,
        body: { ResourceID: serviceId, EndpointID: envId, WebhookType: 2 },
      }),
      400,
    );
    expectApiError(
      await server.request('POST', '/api/webhooks', {
        token: admin,
        body: { ResourceID: 'nosuchservice', EndpointID: envId, WebhookType: 1 },
      }),
      404,
    );

    // A standard user without access to the environment does not learn it exists.
    const user = await createUser(server, admin);
    expectApiError(
      await server.request('POST', '/api/webhooks', {
        token: user.token,
        body: { ResourceID: serviceId, EndpointID: envId, WebhookType: 1 },
      }),
      404,
    );

    const hook = await server.request<{
      Id: number;
      Token: string;
      ResourceId: string;
      EndpointId: number;
      Type: number;
    }>('POST', '/api/webhooks', {
      token: admin,
      body: { ResourceID: serviceId, EndpointID: envId, WebhookType: 1 },
    });
    expect(hook.status, hook.text).toBe(200);
    expect(hook.body).toMatchObject({ ResourceId: serviceId, EndpointId: envId, Type: 1 });
    expect(hook.body.Token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expectApiError(
      await server.request('POST', '/api/webhooks', {
        token: admin,
        body: { ResourceID: serviceId, EndpointID: envId, WebhookType: 1 },
      }),
      409,
    );

    const listed = await server.request<{ Id: number }[]>(
      'GET',
      `/api/webhooks?filters=${encodeURIComponent(JSON.stringify({ ResourceID: serviceId, EndpointID: envId }))}`,
      { token: admin },
    );
    expect(listed.status).toBe(200);
    expect(listed.body.map((w) => w.Id)).toEqual([hook.body.Id]);
    expect((await server.request<unknown[]>('GET', '/api/webhooks', { token: user.token })).body).toEqual([]);
    expectApiError(await server.request('GET', '/api/webhooks?filters=nope', { token: admin }), 400);

    // The public trigger: no credentials, the token is the secret.
    const fired = await server.request('POST', `/api/webhooks/${hook.body.Token}`);
    expect(fired.status, fired.text).toBe(204);
    const after = (await labCall<Service>(1, 'GET', `/services/${serviceId}`)).body;
    expect(after.Spec.TaskTemplate.ForceUpdate).toBe(1);
    expect(after.Version.Index).toBeGreaterThan(before.Version.Index);

    const retagged = await server.request('POST', `/api/webhooks/${hook.body.Token}?tag=local`);
    expect(retagged.status, retagged.text).toBe(204);
    const third = (await labCall<Service>(1, 'GET', `/services/${serviceId}`)).body;
    expect(third.Spec.TaskTemplate.ForceUpdate).toBe(2);
    expect(third.Spec.TaskTemplate.ContainerSpec.Image.split('@')[0]).toBe(IMAGE);
    expectApiError(await server.request('POST', `/api/webhooks/${hook.body.Token}?tag=..%2Fx`), 400, /tag/i);

    // Unknown and malformed tokens: the same 404, nothing about why.
    const unknown = await server.request<{ message: string; details: string }>(
      'POST',
      '/api/webhooks/00000000-0000-0000-0000-000000000000',
    );
    expectApiError(unknown, 404, /^Webhook not found$/);
    const malformed = await server.request<{ message: string; details: string }>('POST', '/api/webhooks/abc');
    expectApiError(malformed, 404, /^Webhook not found$/);
    expect(malformed.body.details).toBe(unknown.body.details);

    expect((await server.request('DELETE', `/api/webhooks/${hook.body.Id}`, { token: admin })).status).toBe(
      204,
    );
    expectApiError(await server.request('POST', `/api/webhooks/${hook.body.Token}`), 404);
    expectApiError(await server.request('DELETE', `/api/webhooks/${hook.body.Id}`, { token: admin }), 404);
  }, 60_000);

  it('a Standard user adds a webhook to a service they own only; Read-only users cannot', async (ctx) => {
    if (lab?.unavailable) return ctx.skip(lab.unavailable);
    const { server, admin } = env;
    expect(envId).toBeGreaterThan(0);
    const owner = await createUser(server, admin);
    const other = await createUser(server, admin);
    const reader = await createUser(server, admin);
    const policies = await server.request('PUT', `/api/endpoints/${envId}`, {
      token: admin,
      body: {
        UserAccessPolicies: {
          [owner.id]: { RoleId: 3 },
          [other.id]: { RoleId: 3 },
          [reader.id]: { RoleId: 4 },
        },
      },
    });
    expect(policies.status, policies.text).toBe(200);

    // The owner creates the service through the proxy: it gets a private resource control.
    const svc = await server.request<{ ID: string }>(
      'POST',
      `/api/endpoints/${envId}/docker/services/create`,
      {
        token: owner.token,
        body: {
          Name: uniqueName('capstan-owned'),
          TaskTemplate: { ContainerSpec: { Image: IMAGE, Command: ['sleep', '3600'] } },
          Mode: { Replicated: { Replicas: 0 } },
        },
      },
    );
    expect(svc.status, svc.text).toBe(201);
    others.push(svc.body.ID);
    const body = { ResourceID: svc.body.ID, EndpointID: envId, WebhookType: 1 };

    expectApiError(await server.request('POST', '/api/webhooks', { token: other.token, body }), 403);
    expectApiError(await server.request('POST', '/api/webhooks', { token: reader.token, body }), 403);
    const hook = await server.request<{ Id: number; Token: string }>('POST', '/api/webhooks', {
      token: owner.token,
      body,
    });
    expect(hook.status, hook.text).toBe(200);

    // Listed to its creator and to administrators, not to the other Standard user.
    expect(
      (await server.request<{ Id: number }[]>('GET', '/api/webhooks', { token: owner.token })).body.map(
        (w) => w.Id,
      ),
    ).toContain(hook.body.Id);
    expect(
      (await server.request<{ Id: number }[]>('GET', '/api/webhooks', { token: other.token })).body,
    ).toEqual([]);
    expectApiError(
      await server.request('DELETE', `/api/webhooks/${hook.body.Id}`, { token: other.token }),
      403,
    );
    expect((await server.request('POST', `/api/webhooks/${hook.body.Token}`)).status).toBe(204);
    expect(
      (await server.request('DELETE', `/api/webhooks/${hook.body.Id}`, { token: owner.token })).status,
    ).toBe(204);
  }, 60_000);
});
