import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addSocketEnvironment,
  createUser,
  expectApiError,
  testRegistry,
  uniqueName,
  withAdminServer,
} from './support/fixtures';

const hasDocker = existsSync('/var/run/docker.sock');
const PODMAN_SOCKET = '/run/podman/podman.sock';
const hasPodman = existsSync(PODMAN_SOCKET);
const reg = testRegistry();
if (process.env['CI'] === 'true' && (!hasDocker || !hasPodman || !reg?.tls || !reg.noAuth))
  throw new Error(
    'CI needs dockerd, podman and the three test registries (tools/setup/docker.sh, podman.sh, registry.sh)',
  );

const idHeader = (registryId: number) => Buffer.from(JSON.stringify({ registryId })).toString('base64');

describe.runIf(hasDocker && reg?.tls !== undefined && reg.noAuth !== undefined)(
  'registries: TLS and auth-less registries, container recreate with a fresh pull',
  () => {
    const env = withAdminServer();
    const r = () => reg as Required<NonNullable<typeof reg>>;
    let dockerEnv = 0;
    const docker = (p: string, envId = dockerEnv) => `/api/endpoints/${envId}/docker${p}`;

    const storeRegistry = async (body: Record<string, unknown>) => {
      const res = await env.server.request<{ Id: number }>('POST', '/api/registries', {
        token: env.admin,
        body: { Name: uniqueName('reg'), Type: 3, ...body },
      });
      expect(res.status, res.text).toBe(200);
      return res.body.Id;
    };
    /** A streamed proxy call (pull, push): status and the whole progress text. */
    const stream = async (path: string, auth?: string) => {
      const res = await fetch(`${env.server.baseUrl}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${env.admin}`, ...(auth ? { 'X-Registry-Auth': auth } : {}) },
      });
      return { status: res.status, text: await res.text() };
    };
    const removeImage = async (ref: string, envId = dockerEnv) => {
      const removed = await env.server.request(
        'DELETE',
        docker(`/images/${encodeURIComponent(ref)}?force=1`, envId),
        {
          token: env.admin,
        },
      );
      expect([200, 404], removed.text).toContain(removed.status);
    };

    beforeAll(async () => {
      dockerEnv = await addSocketEnvironment(env.server, env.admin);
    });

    it('pulls from the TLS registry (test CA) with a stored registry; anonymously the registry refuses', async () => {
      const id = await storeRegistry({
        URL: r().tls,
        Authentication: true,
        Username: r().user,
        Password: r().password,
      });
      const ref = `${r().tls}/capstan/busybox:local`;
      const envs = [dockerEnv];
      // Podman verifies the certificate (dockerd does not for loopback): the CA in /etc/containers/certs.d.
      if (hasPodman)
        envs.push(
          await addSocketEnvironment(env.server, env.admin, {
            url: `unix://${PODMAN_SOCKET}`,
            engine: 'podman',
          }),
        );
      for (const envId of envs) {
        await removeImage(ref, envId);
        const anonymous = await stream(
          docker(`/images/create?fromImage=${r().tls}/capstan/busybox&tag=local`, envId),
        );
        // The registry refuses (podman: "unauthorized"; dockerd, which falls back to plain HTTP on a loopback
        // registry's refusal, reports the registry's answer to that instead): nothing pulled.
        expect(anonymous.text).toMatch(
          /unauthorized|authentication required|HTTP request to an HTTPS server/i,
        );
        expect(anonymous.text).not.toMatch(/Downloaded newer image|Image is up to date/);
        const pulled = await stream(
          docker(`/images/create?fromImage=${r().tls}/capstan/busybox&tag=local`, envId),
          idHeader(id),
        );
        expect(pulled.status, pulled.text).toBe(200);
        expect(pulled.text, `environment ${envId}`).not.toMatch(/"error"/);
        const inspected = await env.server.request(
          'GET',
          docker(`/images/${encodeURIComponent(ref)}/json`, envId),
          {
            token: env.admin,
          },
        );
        expect(inspected.status, inspected.text).toBe(200);
        await removeImage(ref, envId);
      }
    });

    it('pulls from the registry without authentication through a stored registry', async () => {
      const id = await storeRegistry({ URL: r().noAuth, Authentication: false });
      const ref = `${r().noAuth}/capstan/busybox:local`;
      await removeImage(ref);
      const pulled = await stream(
        docker(`/images/create?fromImage=${r().noAuth}/capstan/busybox&tag=local`),
        idHeader(id),
      );
      expect(pulled.status, pulled.text).toBe(200);
      expect(pulled.text).not.toMatch(/"error"/);
      expect(pulled.text).toMatch(/Downloaded newer image|Image is up to date/);
      await removeImage(ref);
    });

    it('recreates a container on the registry\'s new image: refused pull changes nothing, then "outdated" → "updated"', async () => {
      const registryId = await storeRegistry({
        URL: r().address,
        Authentication: true,
        Username: r().user,
        Password: r().password,
      });
      const tag = uniqueName('rec').replace(/[^a-z0-9-]/g, '');
      const repo = `${r().address}/capstan/busybox`;
      const ref = `${repo}:${tag}`;
      const name = `capstan-recreate-${tag}`;
      // The base image under a fresh tag in the registry.
      const tagged = await env.server.request(
        'POST',
        docker(`/images/capstan%2Fbusybox:local/tag?repo=${encodeURIComponent(repo)}&tag=${tag}`),
        { token: env.admin },
      );
      expect(tagged.status, tagged.text).toBe(201);
      const push = async (pushTag = tag) => {
        const pushed = await stream(
          docker(`/images/${encodeURIComponent(repo)}/push?tag=${pushTag}`),
          idHeader(registryId),
        );
        expect(pushed.status, pushed.text).toBe(200);
        expect(pushed.text).not.toMatch(/"error"/);
      };
      await push();
      const created = await env.server.request<{ Id: string }>(
        'POST',
        docker(`/containers/create?name=${name}`),
        {
          token: env.admin,
          body: {
            Image: ref,
            Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait'],
            Env: ['KEPT=yes'],
            Labels: { 'capstan.test': 'registries-recreate', 'com.docker.compose.project': name },
          },
        },
      );
      expect(created.status, created.text).toBe(201);
      const oldId = created.body.Id;
      expect(
        (await env.server.request('POST', docker(`/containers/${oldId}/start`), { token: env.admin })).status,
      ).toBe(204);
      const status = async (id: string) =>
        (
          await env.server.request<Record<string, { Status: string; Message: string }>>(
            'GET',
            `/api/docker/${dockerEnv}/containers/image_status`,
            { token: env.admin },
          )
        ).body[id];
      expect(await status(oldId)).toMatchObject({ Status: 'updated' });

      // A new image under the same tag in the registry (pushed as -next, retagged there), not pulled here.
      const committed = await env.server.request(
        'POST',
        docker(`/commit?container=${oldId}&repo=${encodeURIComponent(repo)}&tag=${tag}-next`),
        { token: env.admin, body: { Labels: { next: tag } } },
      );
      expect(committed.status, committed.text).toBe(201);
      await push(`${tag}-next`);
      await removeImage(`${ref}-next`);
      const retagged = await env.server.request('POST', `/api/registries/${registryId}/retag`, {
        token: env.admin,
        body: { Repository: 'capstan/busybox', Tag: `${tag}-next`, NewTag: tag },
      });
      expect(retagged.status, retagged.text).toBe(200);
      expect(await status(oldId)).toMatchObject({ Status: 'outdated' });
      // Its compose project (stack) follows; the daily check (run now) counts it; its image names the registry.
      const stacks = await env.server.request<Record<string, { Status: string }>>(
        'GET',
        `/api/docker/${dockerEnv}/stacks/image_status`,
        { token: env.admin },
      );
      expect(stacks.body[name]).toMatchObject({ Status: 'outdated' });
      const swept = await env.server.request<{
        Outdated: number;
        Environments: { EnvironmentId: number; Outdated: { Id: string; Name: string }[] }[];
      }>('POST', '/api/registries/updates/check', { token: env.admin });
      expect(swept.status, swept.text).toBe(200);
      expect(swept.body.Outdated).toBeGreaterThanOrEqual(1);
      expect(
        swept.body.Environments.find((e) => e.EnvironmentId === dockerEnv)?.Outdated.map((c) => c.Name),
      ).toContain(name);
      const summary = await env.server.request<{ CheckedAt: number }>('GET', '/api/registries/updates', {
        token: env.admin,
      });
      expect(summary.body.CheckedAt).toBeGreaterThan(0);
      const standardUser = await createUser(env.server, env.admin);
      expectApiError(
        await env.server.request('GET', '/api/registries/updates', { token: standardUser.token }),
        403,
      );
      const imageId = (
        await env.server.request<{ Image: string }>('GET', docker(`/containers/${oldId}/json`), {
          token: env.admin,
        })
      ).body.Image;
      const linked = await env.server.request<Record<string, { RegistryId: number }>>(
        'GET',
        `/api/docker/${dockerEnv}/images/registries`,
        { token: env.admin },
      );
      expect(linked.body[imageId]).toMatchObject({ RegistryId: registryId });
      // The local tag goes too (the container keeps its image): only a pull can give the tag back.
      await removeImage(ref);

      const recreate = (id: string, body: unknown, envId = dockerEnv, token = env.admin) =>
        env.server.request<Record<string, unknown>>(
          'POST',
          `/api/docker/${envId}/containers/${id}/recreate`,
          {
            token,
            body,
          },
        );
      const stillThere = async () => {
        const got = await env.server.request<{ Id: string; Name: string; State: { Running: boolean } }>(
          'GET',
          docker(`/containers/${name}/json`),
          { token: env.admin },
        );
        expect(got.status, got.text).toBe(200);
        expect(got.body.Id).toBe(oldId);
        expect(got.body.State.Running).toBe(true);
      };

      // Bad input and unknown ids: 4xx, nothing touched.
      expectApiError(await recreate(oldId, { PullImage: 'yes' }), 400);
      expectApiError(await recreate('no-such-container', { PullImage: true }), 404);
      expectApiError(await recreate('bad%2F..%2Fid', { PullImage: true }), 400);
      expectApiError(await recreate(oldId, { PullImage: true }, 999_999), 404);
      const standard = await createUser(env.server, env.admin);
      expect([403, 404]).toContain(
        (await recreate(oldId, { PullImage: true }, dockerEnv, standard.token)).status,
      );
      // Without a pull the image is gone locally: the engine refuses the create, the old container comes back.
      expectApiError(await recreate(oldId, {}), 400, /refused to create/);
      await stillThere();
      // The stored registry's credentials refused: a 400 naming it, nothing changed.
      const update = (password: string) =>
        env.server.request('PUT', `/api/registries/${registryId}`, {
          token: env.admin,
          body: { Password: password },
        });
      expect((await update('wrong-password')).status).toBe(200);
      const refused = await recreate(oldId, { pullImage: true });
      expectApiError(refused, 400, /refused the credentials/);
      await stillThere();
      expect((await update(r().password)).status).toBe(200);

      // The real thing: pulled with the stored registry, same name and settings, running, old one gone.
      const done = await recreate(oldId, { PullImage: true });
      expect(done.status, done.text).toBe(200);
      const fresh = done.body as {
        Id: string;
        Name: string;
        Config: { Env: string[]; Labels: Record<string, string> };
        State: { Running: boolean };
      };
      expect(fresh.Id).not.toBe(oldId);
      expect(fresh.Name).toBe(`/${name}`);
      expect(fresh.Config.Env).toContain('KEPT=yes');
      expect(fresh.Config.Labels['next']).toBe(tag);
      expect(fresh.State.Running).toBe(true);
      expect(
        (await env.server.request('GET', docker(`/containers/${oldId}/json`), { token: env.admin })).status,
      ).toBe(404);
      expect(await status(fresh.Id)).toMatchObject({ Status: 'updated' });

      await env.server.request('DELETE', docker(`/containers/${fresh.Id}?force=1`), { token: env.admin });
      await removeImage(ref);
    });
  },
);
