import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { uniqueName, withAdminServer } from './support/fixtures';

const SOCKET = '/run/podman/podman.sock';
const hasPodman = existsSync(SOCKET);
if (!hasPodman && process.env['CI'] === 'true')
  throw new Error(`CI needs the Podman API on ${SOCKET} (tools/setup/podman.sh)`);

describe.runIf(hasPodman)('Podman environments (real podman system service)', () => {
  const env = withAdminServer();

  const create = async (engine: string) => {
    const f = new FormData();
    f.append('Name', uniqueName('podman'));
    f.append('EndpointCreationType', '1');
    f.append('URL', `unix://${SOCKET}`);
    f.append('ContainerEngine', engine);
    const r = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    return {
      status: r.status,
      body: (await r.json()) as {
        Id: number;
        ContainerEngine: string;
        Snapshots: { IsPodman: boolean; DockerVersion: string }[];
        message?: string;
      },
    };
  };

  it('adds Podman through its Docker-compatible socket, refuses the wrong engine, and proxies a container', async () => {
    const wrong = await create('docker');
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/engine/i);

    const r = await create('podman');
    expect(r.status).toBe(200);
    expect(r.body.ContainerEngine).toBe('podman');
    expect(r.body.Snapshots[0].IsPodman).toBe(true);

    const docker = (path: string) => `/api/endpoints/${r.body.Id}/docker${path}`;
    const name = uniqueName('capstan-podman');
    const created = await env.server.request<{ Id: string }>(
      'POST',
      docker(`/v1.41/containers/create?name=${name}`),
      {
        token: env.admin,
        body: { Image: 'localhost/capstan/busybox:local', Cmd: ['true'] },
      },
    );
    expect(created.status, created.text).toBe(201);
    const list = await env.server.request<{ Id: string }[]>('GET', docker('/containers/json?all=1'), {
      token: env.admin,
    });
    expect(list.body.map((c) => c.Id)).toContain(created.body.Id);
    expect(
      (
        await env.server.request('DELETE', docker(`/containers/${created.body.Id}?force=1`), {
          token: env.admin,
        })
      ).status,
    ).toBe(204);
  });
});
