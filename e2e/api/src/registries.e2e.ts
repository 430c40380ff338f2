import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectApiError, uniqueName, withAdminServer } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
const REGISTRY_ENV = '/tmp/capstan-registry.env';
if (process.env['CI'] === 'true' && (!hasDocker || !existsSync(REGISTRY_ENV)))
  throw new Error(
    'CI needs the Docker engine and the registry (tools/setup/docker.sh, tools/setup/registry.sh)',
  );

/** The htpasswd registry on loopback from tools/setup/registry.sh (plain HTTP, which Docker allows on 127/8). */
function registry(): { address: string; user: string; password: string } | undefined {
  if (!existsSync(REGISTRY_ENV)) return undefined;
  const vars = Object.fromEntries(
    readFileSync(REGISTRY_ENV, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return {
    address: vars['CAPSTAN_TEST_REGISTRY'],
    user: vars['CAPSTAN_TEST_REGISTRY_USER'],
    password: vars['CAPSTAN_TEST_REGISTRY_PASSWORD'],
  };
}

const reg = registry();
const idHeader = (registryId: number) => Buffer.from(JSON.stringify({ registryId })).toString('base64');

describe.runIf(hasDocker && reg !== undefined)('registries on the real engine and registry', () => {
  const env = withAdminServer();
  let envId = 0;
  let registryId = 0;
  const r = () => reg as NonNullable<typeof reg>;

  beforeAll(async () => {
    const f = new FormData();
    f.append('Name', uniqueName('local'));
    f.append('EndpointCreationType', '1');
    const res = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    expect(res.status).toBe(200);
    envId = ((await res.json()) as { Id: number }).Id;
  });

  it('creates a custom registry with sealed credentials that are never returned', async () => {
    const created = await env.server.request<Record<string, unknown>>('POST', '/api/registries', {
      token: env.admin,
      body: {
        name: uniqueName('reg'),
        type: 3,
        url: r().address,
        authentication: true,
        username: r().user,
        password: r().password,
      },
    });
    expect(created.status, created.text).toBe(200);
    registryId = created.body['Id'] as number;
    expect(created.body['URL']).toBe(r().address);
    expect(created.body['Username']).toBe(r().user);
    expect(created.text).not.toContain(r().password);
    for (const path of [
      '/api/registries',
      `/api/registries/${registryId}`,
      `/api/endpoints/${envId}/registries`,
    ]) {
      const got = await env.server.request('GET', path, { token: env.admin });
      expect(got.status).toBe(200);
      expect(got.text).not.toContain(r().password);
      expect(got.text).not.toMatch(/"Password"/);
    }
  });

  it('refuses bad input without storing anything', async () => {
    const before = (await env.server.request<unknown[]>('GET', '/api/registries', { token: env.admin })).body
      .length;
    const post = (body: Record<string, unknown>) =>
      env.server.request('POST', '/api/registries', { token: env.admin, body });
    expectApiError(
      await post({ Name: uniqueName('x'), Type: 9, URL: 'a.example' }),
      400,
      /Invalid request payload/,
    );
    expectApiError(await post({ Name: uniqueName('x'), Type: 'custom', URL: 'a.example' }), 400);
    expectApiError(await post({ Name: uniqueName('x'), Type: 3 }), 400);
    expectApiError(await post({ Name: uniqueName('x'), Type: 3, URL: 'a.example/../../etc' }), 400);
    expectApiError(await post({ Name: uniqueName('x'), Type: 3, URL: 'a b' }), 400);
    expectApiError(
      await post({ Name: uniqueName('x'), Type: 3, URL: 'a.example', Authentication: true }),
      400,
    );
    expectApiError(
      await post({ Name: uniqueName('x'), Type: 7, URL: 'x.dkr.ecr.eu-west-1.amazonaws.com' }),
      400,
    );
    expectApiError(await post({ Name: uniqueName('x'), Type: 5, URL: 'proget.example' }), 400, /Invalid/);
    const existing = (
      await env.server.request<{ Name: string }>('GET', `/api/registries/${registryId}`, {
        token: env.admin,
      })
    ).body;
    expectApiError(await post({ Name: existing.Name, Type: 3, URL: 'other.example' }), 409, /same name/);
    expectApiError(
      await post({
        Name: uniqueName('dup'),
        Type: 3,
        URL: `https://${r().address}/`,
        Authentication: true,
        Username: r().user,
        Password: 'whatever',
      }),
      409,
      /same URL and credentials/,
    );
    expect(
      (await env.server.request<unknown[]>('GET', '/api/registries', { token: env.admin })).body,
    ).toHaveLength(before);
  });

  it('tests a connection by logging in for real', async () => {
    const ping = (body: Record<string, unknown>) =>
      env.server.request<{ Ok: boolean; Message: string }>('POST', '/api/registries/ping', {
        token: env.admin,
        body: { Name: 'probe', Type: 3, Authentication: true, ...body },
      });
    const good = await ping({ URL: r().address, Username: r().user, Password: r().password });
    expect(good.status, good.text).toBe(200);
    expect(good.body.Ok, good.body.Message).toBe(true);
    const wrong = await ping({ URL: r().address, Username: r().user, Password: 'wrong-password' });
    expect(wrong.body.Ok).toBe(false);
    expect(wrong.body.Message).toMatch(/401/);
    const down = await ping({ URL: '127.0.0.1:59999', Username: 'a', Password: 'b' });
    expect(down.body.Ok).toBe(false);
    expect(down.body.Message).toMatch(/ECONNREFUSED/);
    const stored = await env.server.request<{ Ok: boolean }>('POST', `/api/registries/${registryId}/ping`, {
      token: env.admin,
      body: { Name: 'probe', Type: 3, URL: r().address, Authentication: true, Username: r().user },
    });
    expect(stored.body.Ok).toBe(true);
  });

  it('pulls through the proxy with a stored registry named in X-Registry-Auth, and not without it', async () => {
    const ref = `${r().address}/capstan/busybox:local`;
    const docker = (p: string) => `/api/endpoints/${envId}/docker${p}`;
    const pull = async (auth?: string) => {
      const removed = await env.server.request('DELETE', docker(`/images/${encodeURIComponent(ref)}`), {
        token: env.admin,
      });
      expect([200, 404, 409]).toContain(removed.status);
      const res = await fetch(
        `${env.server.baseUrl}${docker(`/images/create?fromImage=${r().address}/capstan/busybox&tag=local`)}`,
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${env.admin}`, ...(auth ? { 'X-Registry-Auth': auth } : {}) },
        },
      );
      return { status: res.status, text: await res.text() };
    };
    // Anonymous: the registry refuses (the engine answers the pull with its error).
    const anonymous = await pull();
    expect(anonymous.text).toMatch(/no basic auth credentials|unauthorized|authentication required/i);
    const stored = await pull(idHeader(registryId));
    expect(stored.status, stored.text).toBe(200);
    expect(stored.text).not.toMatch(/"error"/);
    expect(stored.text).toMatch(/Downloaded newer image|Image is up to date/);
    // A stored registry whose credentials are refused, or that cannot be reached: a 400 naming it and its answer.
    const store = async (body: Record<string, unknown>) => {
      const res = await env.server.request<{ Id: number }>('POST', '/api/registries', {
        token: env.admin,
        body: { Type: 3, Authentication: true, ...body },
      });
      expect(res.status, res.text).toBe(200);
      return res.body.Id;
    };
    const wrongName = uniqueName('wrong');
    const wrong = await store({ Name: wrongName, URL: r().address, Username: 'nobody', Password: 'wrong' });
    const refused = await env.server.request<{ message: string; details: string }>(
      'POST',
      docker(`/images/create?fromImage=${r().address}/capstan/busybox&tag=local`),
      { token: env.admin, headers: { 'X-Registry-Auth': idHeader(wrong) } },
    );
    expectApiError(refused, 400, new RegExp(`Registry "${wrongName}" refused the credentials`));
    expect(refused.body.details).toMatch(/unauthorized|authentication required/);
    const downName = uniqueName('down');
    const down = await store({ Name: downName, URL: '127.0.0.1:59999', Username: 'a', Password: 'b' });
    const unreachable = await env.server.request<{ message: string; details: string }>(
      'POST',
      docker('/images/create?fromImage=127.0.0.1:59999/capstan/busybox&tag=local'),
      { token: env.admin, headers: { 'X-Registry-Auth': idHeader(down) } },
    );
    expectApiError(unreachable, 400, new RegExp(`Registry "${downName}" cannot be reached`));
    expect(unreachable.body.details).toMatch(/connection refused/);
    for (const id of [wrong, down])
      expect((await env.server.request('DELETE', `/api/registries/${id}`, { token: env.admin })).status).toBe(
        204,
      );
    // An unknown registry id is refused before the engine is called.
    expectApiError(
      await env.server.request(
        'POST',
        docker(`/images/create?fromImage=${r().address}/capstan/busybox&tag=local`),
        {
          token: env.admin,
          headers: { 'X-Registry-Auth': idHeader(999_999) },
        },
      ),
      404,
    );
  });

  it('gives non-administrators only the registries granted on an environment, without credentials', async () => {
    const user = await createUser(env.server, env.admin);
    const granted = await env.server.request('PUT', `/api/endpoints/${envId}`, {
      token: env.admin,
      body: { UserAccessPolicies: { [user.id]: { RoleId: 3 } } },
    });
    expect(granted.status, granted.text).toBe(200);
    expectApiError(await env.server.request('GET', '/api/registries', { token: user.token }), 403);
    expectApiError(
      await env.server.request('GET', `/api/registries/${registryId}`, { token: user.token }),
      403,
    );
    expectApiError(
      await env.server.request('GET', `/api/registries/${registryId}?endpointId=${envId}`, {
        token: user.token,
      }),
      404,
    );
    let list = await env.server.request<unknown[]>('GET', `/api/endpoints/${envId}/registries`, {
      token: user.token,
    });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([]);
    // A Standard user may not grant themself access, nor pull with another registry's credentials.
    expectApiError(
      await env.server.request('PUT', `/api/endpoints/${envId}/registries/${registryId}`, {
        token: user.token,
        body: { UserAccessPolicies: { [user.id]: {} } },
      }),
      403,
    );
    expectApiError(
      await env.server.request(
        'POST',
        `/api/endpoints/${envId}/docker/images/create?fromImage=${r().address}/capstan/busybox&tag=local`,
        { token: user.token, headers: { 'X-Registry-Auth': idHeader(registryId) } },
      ),
      404,
    );
    expectApiError(
      await env.server.request('PUT', `/api/endpoints/${envId}/registries/${registryId}`, {
        token: env.admin,
        body: { UserAccessPolicies: { 999999: {} } },
      }),
      400,
      /Invalid access policies/,
    );
    const access = await env.server.request('PUT', `/api/endpoints/${envId}/registries/${registryId}`, {
      token: env.admin,
      body: { UserAccessPolicies: { [user.id]: { RoleId: 0 } } },
    });
    expect(access.status, access.text).toBe(200);
    list = await env.server.request<{ Id: number; Username: string }[]>(
      'GET',
      `/api/endpoints/${envId}/registries`,
      {
        token: user.token,
      },
    );
    expect(list.body).toHaveLength(1);
    const mine = list.body[0] as { Id: number; Username: string; RegistryAccesses: object };
    expect(mine.Id).toBe(registryId);
    expect(mine.Username).toBe('');
    expect(mine.RegistryAccesses).toEqual({});
    expect(list.text).not.toContain(r().password);
    const inspect = await env.server.request('GET', `/api/registries/${registryId}?endpointId=${envId}`, {
      token: user.token,
    });
    expect(inspect.status).toBe(200);
    expect(inspect.text).not.toContain(r().password);
    expectApiError(
      await env.server.request('DELETE', `/api/registries/${registryId}`, { token: user.token }),
      403,
    );
  });

  it('updates (password kept when omitted) and deletes', async () => {
    const renamed = uniqueName('renamed');
    const up = await env.server.request<{ Name: string }>('PUT', `/api/registries/${registryId}`, {
      token: env.admin,
      body: { Name: renamed },
    });
    expect(up.status, up.text).toBe(200);
    expect(up.body.Name).toBe(renamed);
    const stillWorks = await env.server.request<{ Ok: boolean }>(
      'POST',
      `/api/registries/${registryId}/ping`,
      {
        token: env.admin,
        body: { Name: 'probe', Type: 3, URL: r().address, Authentication: true, Username: r().user },
      },
    );
    expect(stillWorks.body.Ok).toBe(true);
    expectApiError(
      await env.server.request('PUT', `/api/registries/${registryId}`, {
        token: env.admin,
        body: { Type: 'x', URL: 'a b' },
      }),
      400,
    );
    expect(
      (await env.server.request('DELETE', `/api/registries/${registryId}`, { token: env.admin })).status,
    ).toBe(204);
    expectApiError(
      await env.server.request('GET', `/api/registries/${registryId}`, { token: env.admin }),
      404,
    );
  });
});
