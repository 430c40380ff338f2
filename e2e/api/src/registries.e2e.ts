import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectApiError, uniqueName, withAdminServer, testRegistry } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
const REGISTRY_ENV = '/tmp/capstan-registry.env';
if (process.env['CI'] === 'true' && (!hasDocker || !existsSync(REGISTRY_ENV)))
  throw new Error(
    'CI needs the Docker engine and the registry (tools/setup/docker.sh, tools/setup/registry.sh)',
  );

/** The status of a GET whose path is sent exactly as written (fetch would resolve dot segments first). */
function rawStatus(baseUrl: string, path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { Authorization: `Bearer ${token}` };
    const req = httpRequest(`${baseUrl}/`, { method: 'GET', path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const reg = testRegistry();
const idHeader = (registryId: number) => Buffer.from(JSON.stringify({ registryId })).toString('base64');

describe.runIf(hasDocker && reg !== undefined)('registries on the real engine and registry', () => {
  const env = withAdminServer();
  let envId = 0;
  let registryId = 0;
  const r = () => reg as NonNullable<typeof reg>;
  const docker = (p: string) => `/api/endpoints/${envId}/docker${p}`;

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
    expectApiError(
      await env.server.request('GET', `/api/endpoints/${envId}/dockerhub/${registryId}`, {
        token: env.admin,
      }),
      400,
      /Not a Docker Hub registry/,
    );
    expectApiError(
      await env.server.request('GET', `/api/endpoints/${envId}/dockerhub/x`, { token: env.admin }),
      400,
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

  it('browses the registry: repositories, tags with digest and size, retag, delete; traversal refused', async () => {
    const base = `/api/registries/${registryId}`;
    const repos = await env.server.request<string[]>('GET', `${base}/repositories`, { token: env.admin });
    expect(repos.status, repos.text).toBe(200);
    expect(repos.body).toContain('capstan/busybox');
    const tags = await env.server.request<{ Name: string; Digest: string; Size: number }[]>(
      'GET',
      `${base}/tags?repository=capstan/busybox`,
      { token: env.admin },
    );
    expect(tags.status, tags.text).toBe(200);
    const local = tags.body.find((t) => t.Name === 'local');
    expect(local?.Digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(local?.Size).toBeGreaterThan(1000);
    const newTag = uniqueName('retag').replace(/[^a-z0-9-]/g, '');
    const retag = await env.server.request<{ Digest: string }>('POST', `${base}/retag`, {
      token: env.admin,
      body: { Repository: 'capstan/busybox', Tag: 'local', NewTag: newTag },
    });
    expect(retag.status, retag.text).toBe(200);
    expect(retag.body.Digest).toBe(local?.Digest);
    const raw = await env.server.request<{ tags: string[] }>('GET', `${base}/v2/capstan/busybox/tags/list`, {
      token: env.admin,
    });
    expect(raw.status, raw.text).toBe(200);
    expect(raw.body.tags).toContain(newTag);
    const manifest = await env.server.request('GET', `${base}/v2/capstan/busybox/manifests/${newTag}`, {
      token: env.admin,
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(local?.Digest);
    for (const bad of [
      `${base}/v2/capstan/busybox/%2e%2e/x/tags/list`,
      `${base}/v2/capstan/../../../etc/passwd`,
      `${base}/v2/capstan/busybox/manifests/..%2f..%2fx`,
      `${base}/v2/capstan/busybox/blobs/sha256:${'0'.repeat(64)}`,
      `${base}/v2/_catalog?evil=1`,
    ]) {
      expect(await rawStatus(env.server.baseUrl, bad, env.admin), bad).toBe(400);
    }
    expectApiError(
      await env.server.request('GET', `${base}/tags?repository=../etc`, { token: env.admin }),
      400,
      /Invalid repository/,
    );
    // Deleting a tag deletes its manifest (every tag on it), so `local` is pushed back afterwards.
    const removed = await env.server.request(
      'DELETE',
      `${base}/tags?repository=capstan/busybox&tag=${newTag}`,
      {
        token: env.admin,
      },
    );
    expect(removed.status, removed.text).toBe(204);
    const after = await env.server.request<{ tags: string[] | null }>(
      'GET',
      `${base}/v2/capstan/busybox/tags/list`,
      {
        token: env.admin,
      },
    );
    expect(after.body.tags ?? []).not.toContain(newTag);
    const ref = encodeURIComponent(`${r().address}/capstan/busybox`);
    const pushed = await fetch(`${env.server.baseUrl}${docker(`/images/${ref}/push?tag=local`)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}`, 'X-Registry-Auth': idHeader(registryId) },
    });
    const text = await pushed.text();
    expect(pushed.status, text).toBe(200);
    expect(text).not.toMatch(/"error"/);
  });

  it('detects an update: "updated", then "outdated" after a new image is pushed under the same tag', async () => {
    const tag = uniqueName('upd').replace(/[^a-z0-9-]/g, '');
    const repo = `${r().address}/capstan/busybox`;
    const auth = { 'X-Registry-Auth': idHeader(registryId) };
    const retag = (from: string, to: string) =>
      env.server.request('POST', `/api/registries/${registryId}/retag`, {
        token: env.admin,
        body: { Repository: 'capstan/busybox', Tag: from, NewTag: to },
      });
    expect((await retag('local', tag)).status).toBe(200);
    const pull = await fetch(
      `${env.server.baseUrl}${docker(`/images/create?fromImage=${repo}&tag=${tag}`)}`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${env.admin}`, ...auth },
      },
    );
    expect(pull.status, await pull.text()).toBe(200);
    const created = await env.server.request<{ Id: string }>(
      'POST',
      docker(`/containers/create?name=${tag}`),
      {
        token: env.admin,
        body: { Image: `${repo}:${tag}`, Cmd: ['true'], Labels: { 'capstan.test': 'registries' } },
      },
    );
    expect(created.status, created.text).toBe(201);
    const status = async () =>
      (
        await env.server.request<Record<string, { Status: string; Message: string }>>(
          'GET',
          `/api/docker/${envId}/containers/image_status`,
          { token: env.admin },
        )
      ).body[created.body.Id];
    expect(await status()).toMatchObject({ Status: 'updated' });
    // A different image under the same tag in the registry: commit the container, push it, retag it there.
    const committed = await env.server.request<{ Id: string }>(
      'POST',
      docker(`/commit?container=${created.body.Id}&repo=${encodeURIComponent(repo)}&tag=${tag}-next`),
      { token: env.admin, body: { Labels: { next: tag } } },
    );
    expect(committed.status, committed.text).toBe(201);
    const push = await fetch(
      `${env.server.baseUrl}${docker(`/images/${encodeURIComponent(repo)}/push?tag=${tag}-next`)}`,
      { method: 'POST', headers: { Authorization: `Bearer ${env.admin}`, ...auth } },
    );
    const pushText = await push.text();
    expect(push.status, pushText).toBe(200);
    expect(pushText).not.toMatch(/"error"/);
    expect((await retag(`${tag}-next`, tag)).status).toBe(200);
    expect(await status()).toMatchObject({ Status: 'outdated' });
    await env.server.request('DELETE', docker(`/containers/${created.body.Id}?force=1`), {
      token: env.admin,
    });
    for (const t of [tag, `${tag}-next`])
      await env.server.request('DELETE', docker(`/images/${encodeURIComponent(`${repo}:${t}`)}`), {
        token: env.admin,
      });
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
