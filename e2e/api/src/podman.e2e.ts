import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engineAnswers } from '@capstan/testing';
import { expectApiError, uniqueName, withAdminServer } from './support/fixtures';

const SOCKET = '/run/podman/podman.sock';
const hasPodman = existsSync(SOCKET);
if (!hasPodman && process.env['CI'] === 'true')
  throw new Error(`CI needs the Podman API on ${SOCKET} (tools/setup/podman.sh)`);

/** A Podman API service of the test's own on a private socket: a real engine the test can stop and start. */
class OwnPodmanService {
  private proc: ChildProcess | undefined;
  constructor(readonly socket: string) {}

  async start(): Promise<void> {
    rmSync(this.socket, { force: true });
    this.proc = spawn('podman', ['system', 'service', '--time=0', `unix://${this.socket}`], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100 && !(await engineAnswers(this.socket, 1000)); i++)
      await new Promise((r) => setTimeout(r, 100));
    if (!(await engineAnswers(this.socket, 1000)))
      throw new Error(`podman system service did not answer on ${this.socket}`);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
    rmSync(this.socket, { force: true });
  }
}

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

  it('goes down when its engine is stopped, is browsed from the last snapshot, and comes back when it starts', async () => {
    const engine = new OwnPodmanService(`/run/capstan-test-podman-${process.pid}.sock`);
    await engine.start();
    try {
      const f = new FormData();
      f.append('Name', uniqueName('podman-own'));
      f.append('EndpointCreationType', '1');
      f.append('URL', `unix://${engine.socket}`);
      f.append('ContainerEngine', 'podman');
      const created = await fetch(`${env.server.baseUrl}/api/endpoints`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${env.admin}` },
        body: f,
      });
      expect(created.status).toBe(200);
      const id = ((await created.json()) as { Id: number }).Id;
      const status = async () =>
        (await env.server.request<{ Status: number }>('GET', `/api/endpoints/${id}`, { token: env.admin }))
          .body.Status;
      expect(await status()).toBe(1);

      await engine.stop();
      expectApiError(
        await env.server.request('POST', `/api/endpoints/${id}/snapshot`, { token: env.admin }),
        503,
      );
      expect(await status()).toBe(2);
      // Read-only browsing from the last snapshot, marked as such; anything else is a clear 502.
      const images = await env.server.request<unknown[]>('GET', `/api/endpoints/${id}/docker/images/json`, {
        token: env.admin,
      });
      expect(images.status).toBe(200);
      expect(images.body.length).toBeGreaterThan(0);
      expect(images.headers.get('x-capstan-snapshot')).toBeTruthy();
      expectApiError(
        await env.server.request('POST', `/api/endpoints/${id}/docker/containers/create`, {
          token: env.admin,
          body: { Image: 'localhost/capstan/busybox:local' },
        }),
        502,
      );

      await engine.start();
      const again = await env.server.request('POST', `/api/endpoints/${id}/snapshot`, { token: env.admin });
      expect(again.status, again.text).toBe(204);
      expect(await status()).toBe(1);
      const live = await env.server.request('GET', `/api/endpoints/${id}/docker/images/json`, {
        token: env.admin,
      });
      expect(live.headers.get('x-capstan-snapshot')).toBeNull();
    } finally {
      await engine.stop();
    }
  });
});
