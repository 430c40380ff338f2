import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TestServer } from '@capstan/testing';
import { ADMIN_PASSWORD, login } from './support/fixtures';

const cases = [
  { socket: '/var/run/docker.sock', engine: 'docker' },
  { socket: '/run/podman/podman.sock', engine: 'podman' },
].filter((c) => existsSync(c.socket) || process.env['CI'] === 'true');

describe('CAPSTAN_INITIAL_ENVIRONMENT', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it.each(cases)('adds $socket as "local" at boot, detecting $engine', async ({ socket, engine }) => {
    server = await TestServer.start({
      env: { CAPSTAN_INITIAL_ENVIRONMENT: `unix://${socket}`, CAPSTAN_ADMIN_PASSWORD: ADMIN_PASSWORD },
    });
    const token = await login(server, 'admin', ADMIN_PASSWORD);
    const list = await server.request<
      { Name: string; URL: string; ContainerEngine: string; Status: number; Snapshots: unknown[] }[]
    >('GET', '/api/endpoints', { token });
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({
      Name: 'local',
      URL: `unix://${socket}`,
      ContainerEngine: engine,
      Status: 1,
    });
    expect(list.body[0].Snapshots).toHaveLength(1);
    // Not added again on restart.
    await server.restart();
    expect((await server.request<unknown[]>('GET', '/api/endpoints', { token })).body).toHaveLength(1);
  });

  it('logs and carries on when the engine cannot be reached', async () => {
    server = await TestServer.start({
      env: {
        CAPSTAN_INITIAL_ENVIRONMENT: 'unix:///nonexistent/docker.sock',
        CAPSTAN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
    });
    const token = await login(server, 'admin', ADMIN_PASSWORD);
    expect((await server.request<unknown[]>('GET', '/api/endpoints', { token })).body).toEqual([]);
    expect(server.logs).toContain('could not add the initial environment');
  });
});
