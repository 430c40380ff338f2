import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectApiError, uniqueName, withAdminServer, testRegistry } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`CI needs a Docker engine on ${SOCKET} (tools/setup/docker.sh)`);
const IMAGE = 'capstan/busybox:local';

/** A request whose path is sent exactly as written (fetch would resolve `..` segments before sending). */
function rawRequest(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}/`, { method: 'GET', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: the test says so
        }
        resolve({ status: res.statusCode ?? 0, headers: h, body, text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.runIf(hasDocker)('Docker API proxy on the real engine', () => {
  const env = withAdminServer();
  let envId = 0;
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;

  beforeAll(async () => {
    const f = new FormData();
    f.append('Name', uniqueName('local'));
    f.append('EndpointCreationType', '1');
    const r = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    expect(r.status).toBe(200);
    envId = ((await r.json()) as { Id: number }).Id;
  });

  it('passes the Engine API through, with any version prefix, for a container round trip', async () => {
    const name = uniqueName('capstan-proxy');
    const version = await env.server.request<{ ApiVersion: string }>('GET', docker('/v1.41/version'), {
      token: env.admin,
    });
    expect(version.status).toBe(200);
    expect(version.body.ApiVersion).toMatch(/^1\.\d+$/);

    const created = await env.server.request<{ Id: string }>(
      'POST',
      docker(`/containers/create?name=${name}`),
      {
        token: env.admin,
        body: {
          Image: IMAGE,
          Cmd: ['sh', '-c', 'echo hello-from-capstan; sleep 60'],
          Labels: { 'test.capstan': 'proxy' },
        },
      },
    );
    expect(created.status, created.text).toBe(201);
    const id = created.body.Id;
    try {
      expect(
        (await env.server.request('POST', docker(`/v1.41/containers/${id}/start`), { token: env.admin }))
          .status,
      ).toBe(204);
      const exec = await env.server.request<{ Id: string }>('POST', docker(`/containers/${id}/exec`), {
        token: env.admin,
        body: { Cmd: ['sh', '-c', 'exit 3'], AttachStdout: false, AttachStderr: false },
      });
      expect(exec.status).toBe(201);
      expect(
        (
          await env.server.request('POST', docker(`/exec/${exec.body.Id}/start`), {
            token: env.admin,
            body: { Detach: true },
          })
        ).status,
      ).toBe(200);
      let exitCode: number | null = null;
      for (let i = 0; i < 50 && exitCode === null; i++) {
        const info = await env.server.request<{ ExitCode: number | null; Running: boolean }>(
          'GET',
          docker(`/exec/${exec.body.Id}/json`),
          { token: env.admin },
        );
        if (!info.body.Running) exitCode = info.body.ExitCode;
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(exitCode).toBe(3);

      // Logs are Docker's multiplexed stream, passed through untouched.
      const logs = await fetch(`${env.server.baseUrl}${docker(`/containers/${id}/logs?stdout=1&stderr=1`)}`, {
        headers: { Authorization: `Bearer ${env.admin}` },
      });
      const raw = Buffer.from(await logs.arrayBuffer());
      expect(raw[0]).toBe(1); // stdout frame
      expect(raw.subarray(8).toString()).toContain('hello-from-capstan');

      const list = await env.server.request<{ Id: string }[]>(
        'GET',
        docker('/containers/json?filters={"label":["test.capstan=proxy"]}'),
        { token: env.admin },
      );
      expect(list.body.map((c) => c.Id)).toContain(id);
      expect(
        (await env.server.request('POST', docker(`/containers/${id}/stop?t=1`), { token: env.admin })).status,
      ).toBe(204);
    } finally {
      expect(
        (await env.server.request('DELETE', docker(`/containers/${id}?force=1`), { token: env.admin }))
          .status,
      ).toBe(204);
    }
    expect(
      (await env.server.request('GET', docker(`/containers/${id}/json`), { token: env.admin })).status,
    ).toBe(404);

    // The mutation is in the activity log once, with its environment.
    const logs = await env.server.request<{
      logs: { path: string; environmentId: number; status: number }[];
    }>(
      'GET',
      `/api/audit/activity-logs?keyword=${encodeURIComponent(`/api/endpoints/${envId}/docker/v1.41/containers/${id}/start`)}`,
      { token: env.admin },
    );
    expect(logs.body.logs).toHaveLength(1);
    expect(logs.body.logs[0]).toMatchObject({ environmentId: envId, status: 204 });
  });

  it('runs volume and network lifecycles', async () => {
    const vol = uniqueName('capstan-vol');
    expect(
      (await env.server.request('POST', docker('/volumes/create'), { token: env.admin, body: { Name: vol } }))
        .status,
    ).toBe(201);
    expect(
      (await env.server.request<{ Name: string }>('GET', docker(`/volumes/${vol}`), { token: env.admin }))
        .body.Name,
    ).toBe(vol);
    expect((await env.server.request('DELETE', docker(`/volumes/${vol}`), { token: env.admin })).status).toBe(
      204,
    );
    const net = await env.server.request<{ Id: string }>('POST', docker('/networks/create'), {
      token: env.admin,
      body: { Name: uniqueName('capstan-net'), Driver: 'bridge' },
    });
    expect(net.status).toBe(201);
    expect(
      (await env.server.request('DELETE', docker(`/networks/${net.body.Id}`), { token: env.admin })).status,
    ).toBe(204);
  });

  it('names in the activity log what a multipart form or a proxied body names', async () => {
    const vol = uniqueName('capstan-vol');
    const net = uniqueName('capstan-net');
    expect(
      (await env.server.request('POST', docker('/volumes/create'), { token: env.admin, body: { Name: vol } }))
        .status,
    ).toBe(201);
    const created = await env.server.request<{ Id: string }>('POST', docker('/networks/create'), {
      token: env.admin,
      body: { Name: net, Driver: 'bridge' },
    });
    expect(created.status).toBe(201);
    await env.server.request('DELETE', docker(`/volumes/${vol}`), { token: env.admin });
    await env.server.request('DELETE', docker(`/networks/${created.body.Id}`), { token: env.admin });
    const logs = (
      await env.server.request<{ logs: { path: string; description: string; payload: string }[] }>(
        'GET',
        '/api/audit/activity-logs?limit=200',
        { token: env.admin },
      )
    ).body.logs;
    const descriptions = logs.map((l) => l.description);
    expect(descriptions).toContain(`created volume ${vol}`);
    expect(descriptions).toContain(`created network ${net}`);
    // The environment of this suite was added with a multipart form (beforeAll).
    const added = logs.find((l) => l.path === '/api/endpoints');
    expect(added?.description).toMatch(/^added environment local-/);
    expect(added?.payload).toContain('"EndpointCreationType":"1"');
  });

  const reg = testRegistry();
  it.runIf(reg !== undefined || process.env['CI'] === 'true')(
    'streams image pull progress from the local registry',
    async () => {
      if (!reg) throw new Error('tools/setup/registry.sh did not run');
      // Docker wants URL-safe base64 *with* padding.
      const auth = Buffer.from(
        JSON.stringify({ username: reg.user, password: reg.password, serveraddress: reg.address }),
      )
        .toString('base64')
        .replace(/\+/g, '-')
        .replace(/\//g, '_');
      const ref = `${reg.address}/capstan/busybox:local`;
      const removed = await env.server.request('DELETE', docker(`/images/${encodeURIComponent(ref)}`), {
        token: env.admin,
      });
      expect([200, 404]).toContain(removed.status);
      const r = await fetch(
        `${env.server.baseUrl}${docker(`/images/create?fromImage=${reg.address}/capstan/busybox&tag=local`)}`,
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${env.admin}`, 'X-Registry-Auth': auth },
        },
      );
      const text = await r.text();
      expect(r.status, text).toBe(200);
      const lines = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { status?: string; error?: string });
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.some((l) => l.error)).toBe(false);
      expect(lines.some((l) => /Pulling from|Pull complete|Already exists|Digest/.test(l.status ?? ''))).toBe(
        true,
      );
      expect(lines.at(-1)?.status).toMatch(/Downloaded newer image/);
    },
  );

  it('enforces environment roles on the proxy', async () => {
    const grant = async (userId: number, roleId: number) =>
      env.server.request('PUT', `/api/endpoints/${envId}`, {
        token: env.admin,
        body: { UserAccessPolicies: { [userId]: { RoleId: roleId } } },
      });
    const stranger = await createUser(env.server, env.admin);
    expectApiError(
      await env.server.request('GET', docker('/containers/json'), { token: stranger.token }),
      404,
    );

    const helpdesk = await createUser(env.server, env.admin);
    await grant(helpdesk.id, 2);
    expect(
      (await env.server.request('GET', docker('/containers/json?all=1'), { token: helpdesk.token })).status,
    ).toBe(200);
    expectApiError(
      await env.server.request('POST', docker('/containers/create'), {
        token: helpdesk.token,
        body: { Image: IMAGE },
      }),
      403,
    );
    expectApiError(
      await env.server.request('POST', docker('/containers/nope/stop'), { token: helpdesk.token }),
      403,
    );

    const operator = await createUser(env.server, env.admin);
    await grant(operator.id, 5);
    expectApiError(
      await env.server.request('POST', docker('/containers/create'), {
        token: operator.token,
        body: { Image: IMAGE },
      }),
      403,
    );
    expectApiError(
      await env.server.request('DELETE', docker('/containers/anything'), { token: operator.token }),
      403,
    );
    // Lifecycle is allowed: the engine itself answers for the unknown container.
    expect(
      (
        await env.server.request('POST', docker('/containers/no-such-container/stop'), {
          token: operator.token,
        })
      ).status,
    ).toBe(404);

    // Standard users see only what resource controls give them (see ownership.e2e.ts), never prune.
    const standard = await createUser(env.server, env.admin);
    await grant(standard.id, 3);
    const seen = await env.server.request<{ Portainer?: { ResourceControl?: { Public: boolean } } }[]>(
      'GET',
      docker('/containers/json?all=1'),
      { token: standard.token },
    );
    expect(seen.status).toBe(200);
    expect(seen.body.every((c) => c.Portainer?.ResourceControl?.Public === true)).toBe(true);
    expectApiError(
      await env.server.request('POST', docker('/containers/prune'), { token: standard.token }),
      403,
      /Access denied/,
    );

    const envAdmin = await createUser(env.server, env.admin);
    await grant(envAdmin.id, 1);
    const vol = uniqueName('capstan-vol');
    expect(
      (
        await env.server.request('POST', docker('/volumes/create'), {
          token: envAdmin.token,
          body: { Name: vol },
        })
      ).status,
    ).toBe(201);
    expect(
      (await env.server.request('DELETE', docker(`/volumes/${vol}`), { token: envAdmin.token })).status,
    ).toBe(204);
  });

  it('counts resources on the dashboard, after ownership', async () => {
    const name = uniqueName('capstan-dash');
    const created = await env.server.request<{ Id: string }>(
      'POST',
      docker(`/containers/create?name=${name}`),
      {
        token: env.admin,
        body: { Image: IMAGE, Cmd: ['true'], Labels: { 'com.docker.compose.project': name } },
      },
    );
    try {
      const direct = await env.server.request<unknown[]>('GET', docker('/containers/json?all=1'), {
        token: env.admin,
      });
      const dash = await env.server.request<{
        containers: { total: number; stopped: number };
        images: { total: number; size: number };
        stacks: number;
      }>('GET', `/api/docker/${envId}/dashboard`, { token: env.admin });
      expect(dash.status).toBe(200);
      expect(dash.body.containers.total).toBe(direct.body.length);
      expect(dash.body.containers.stopped).toBeGreaterThan(0);
      expect(dash.body.images.total).toBeGreaterThan(0);
      expect(dash.body.images.size).toBeGreaterThan(0);
      expect(dash.body.stacks).toBeGreaterThan(0);
      const standard = await createUser(env.server, env.admin);
      await env.server.request('PUT', `/api/endpoints/${envId}`, {
        token: env.admin,
        body: { UserAccessPolicies: { [standard.id]: { RoleId: 3 } } },
      });
      const own = await env.server.request<{ containers: { total: number }; networks: number }>(
        'GET',
        `/api/docker/${envId}/dashboard`,
        { token: standard.token },
      );
      const ownList = await env.server.request<{ Id: string }[]>('GET', docker('/containers/json?all=1'), {
        token: standard.token,
      });
      expect(own.status).toBe(200);
      // The admin's container is private to the admin; the count is what the user's own list shows (other test
      // files may add public containers on the same engine meanwhile, hence no fixed number).
      expect(ownList.body.map((c) => c.Id)).not.toContain(created.body.Id);
      expect(own.body.containers.total).toBe(ownList.body.length);
      expect(own.body.containers.total).toBeLessThan(dash.body.containers.total);
      expect(own.body.networks).toBeGreaterThanOrEqual(3);
    } finally {
      await env.server.request('DELETE', docker(`/containers/${created.body.Id}?force=1`), {
        token: env.admin,
      });
    }
  });

  it('leaves containers with a hidden label out of lists', async () => {
    const label = uniqueName('capstan.hidden');
    const created = await env.server.request<{ Id: string }>('POST', docker('/containers/create'), {
      token: env.admin,
      body: { Image: IMAGE, Cmd: ['true'], Labels: { [label]: 'yes' } },
    });
    try {
      const ids = async () =>
        (
          await env.server.request<{ Id: string }[]>('GET', docker('/v1.41/containers/json?all=1'), {
            token: env.admin,
          })
        ).body.map((c) => c.Id);
      expect(await ids()).toContain(created.body.Id);
      await env.server.request('PUT', '/api/settings', {
        token: env.admin,
        body: { BlackListedLabels: [{ name: label, value: 'yes' }] },
      });
      expect(await ids()).not.toContain(created.body.Id);
      // Inspect by id still works; only lists hide it.
      expect(
        (await env.server.request('GET', docker(`/containers/${created.body.Id}/json`), { token: env.admin }))
          .status,
      ).toBe(200);
    } finally {
      await env.server.request('PUT', '/api/settings', { token: env.admin, body: { BlackListedLabels: [] } });
      await env.server.request('DELETE', docker(`/containers/${created.body.Id}?force=1`), {
        token: env.admin,
      });
    }
  });

  it('answers 400 to a bad environment id, node name or engine path, before credentials or the engine', async () => {
    const auth = { Authorization: `Bearer ${env.admin}` };
    const bad = async (path: string, problem: RegExp, headers: Record<string, string> = auth) => {
      const r = await rawRequest(env.server.baseUrl, path, headers);
      expectApiError(r, 400, /^Invalid environment id, node name or engine path$/);
      expect((r.body as { details: string }).details, path).toMatch(problem);
    };
    const id = /endpointId must be a positive integer/;
    await bad('/api/endpoints/abc/docker/info', id);
    await bad('/api/endpoints/0/docker/info', id);
    await bad('/api/endpoints/-1/docker/info', id);
    await bad('/api/endpoints/99999999999/docker/info', id);
    // Before credentials, as a WebSocket query.
    await bad('/api/endpoints/abc/docker/info', id, {});
    // Traversal never reaches the engine (which answered a 301 to the cleaned path).
    const dots = /path must not contain \. or \.\. segments/;
    await bad(docker('/../../api/users'), dots);
    await bad(docker('/containers/../info'), dots);
    await bad(docker('/%2e%2e/%2e%2e/api/users'), dots);
    await bad(docker('/containers/%2E%2E%2F%2E%2E%2Finfo'), dots);
    await bad(docker('/%252e%252e/info'), dots);
    await bad(docker('/./containers/json'), dots);
    await bad(docker('//evil.example/info'), /not a URL/);
    await bad(docker('/http://evil.example/info'), /not a URL/);
    await bad(docker('/info%0d%0aX-Injected:%201'), /control characters/);
    const node = /nodeName \(X-PortainerAgent-Target\) must be a node name/;
    await bad(docker(`/info?nodeName=${encodeURIComponent('a b/c')}`), node);
    await bad(docker('/info'), node, { ...auth, 'X-PortainerAgent-Target': '../x' });
    // Every bad part at once.
    const all = await rawRequest(env.server.baseUrl, '/api/endpoints/0/docker/../x?nodeName=a%20b', auth);
    expect((all.body as { details: string }).details.split('; ')).toHaveLength(3);
    // Blanks around a node name and an empty one are fine (a direct engine has no nodes: ignored).
    for (const q of [`?nodeName=${encodeURIComponent(' node-1 ')}`, '?nodeName=']) {
      const r = await rawRequest(env.server.baseUrl, docker(`/info${q}`), auth);
      expect(r.status, r.text).toBe(200);
    }
  });

  it('answers 401, 404 and 502 in the API error shape; a down engine is browsed from its snapshot', async () => {
    expectApiError(await env.server.request('GET', docker('/info')), 401);
    expectApiError(
      await env.server.request('GET', '/api/endpoints/424242/docker/info', { token: env.admin }),
      404,
    );
    const f = new FormData();
    f.append('Name', uniqueName('gone'));
    f.append('EndpointCreationType', '1');
    f.append('URL', 'unix:///var/run/docker.sock');
    const created = (await (
      await fetch(`${env.server.baseUrl}/api/endpoints`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${env.admin}` },
        body: f,
      })
    ).json()) as { Id: number };
    await env.server.request('PUT', `/api/endpoints/${created.Id}`, {
      token: env.admin,
      body: { URL: 'tcp://127.0.0.1:1' },
    });
    expectApiError(
      await env.server.request('GET', `/api/endpoints/${created.Id}/docker/containers/abc/json`, {
        token: env.admin,
      }),
      502,
      /reach/,
    );
    // Lists, info and version come from the last snapshot, marked as such.
    const info = await env.server.request<{ ServerVersion?: string }>(
      'GET',
      `/api/endpoints/${created.Id}/docker/info`,
      { token: env.admin },
    );
    expect(info.status).toBe(200);
    expect(info.body.ServerVersion).toMatch(/^\d+\./);
    expect(Date.parse(info.headers.get('x-capstan-snapshot') ?? '')).toBeGreaterThan(Date.now() - 600_000);
    const volumes = await env.server.request<{ Volumes: unknown[] }>(
      'GET',
      `/api/endpoints/${created.Id}/docker/volumes`,
      { token: env.admin },
    );
    expect(Array.isArray(volumes.body.Volumes)).toBe(true);
  });
});
