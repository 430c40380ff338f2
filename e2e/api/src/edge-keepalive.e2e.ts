/**
 * The console keep-alive through the edge tunnel (Portainer's KeepTunnelAlive): while a console is open the server
 * sends `HEAD /ping` through the tunnel every 10 s, so an agent whose inactivity timeout is shorter than the console
 * keeps its tunnel. Real server, built agent (EDGE=1, EDGE_INACTIVITY_TIMEOUT=20s), real dockerd.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestServer, freePort } from '@capstan/testing';
import { initAdmin } from './support/fixtures';
import { AGENT_MAIN } from './support/agent';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
const hasAgent = existsSync(AGENT_MAIN);
if ((!hasDocker || !hasAgent) && process.env['CI'] === 'true')
  throw new Error(`CI needs a Docker engine on ${SOCKET} and the built agent (${AGENT_MAIN})`);
const skipReason = !hasDocker ? `no Docker engine on ${SOCKET}` : !hasAgent ? `${AGENT_MAIN} not built` : '';

const INACTIVITY_S = 20;

describe.skipIf(skipReason !== '')(
  `edge console keep-alive (${skipReason || 'real server, agent, dockerd'})`,
  () => {
    let server: TestServer;
    let admin: string;
    let envId: number;
    let agent: ChildProcess | undefined;
    let output = '';
    let containerId = '';

    beforeAll(async () => {
      // The server's own idle close must not interfere: only the agent's inactivity timer is under test.
      server = await TestServer.start({
        env: { CAPSTAN_EDGE_TUNNEL_IDLE: '10m', CAPSTAN_EDGE_TUNNEL_WAIT: '10s' },
      });
      admin = await initAdmin(server);
      const r = await server.request<{ Id: number; EdgeKey: string }>('POST', '/api/endpoints', {
        token: admin,
        body: {
          Name: 'edge-keepalive',
          EndpointCreationType: 4,
          URL: server.baseUrl,
          EdgeCheckinInterval: 1,
        },
      });
      expect(r.status, r.text).toBe(200);
      envId = r.body.Id;
      agent = spawn(process.execPath, [AGENT_MAIN], {
        env: {
          PATH: process.env['PATH'] ?? '',
          EDGE: '1',
          EDGE_ID: `keepalive-${process.pid}-${Date.now()}`,
          EDGE_KEY: r.body.EdgeKey,
          AGENT_HOST: '127.0.0.1',
          AGENT_PORT: String(await freePort()),
          DATA_PATH: mkdtempSync(join(tmpdir(), 'capstan-edge-keepalive-')),
          EDGE_INACTIVITY_TIMEOUT: `${INACTIVITY_S}s`,
          LOG_LEVEL: 'INFO',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      agent.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      agent.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    });

    afterAll(async () => {
      if (containerId)
        await server
          .request('DELETE', `/api/endpoints/${envId}/docker/containers/${containerId}?force=1`, {
            token: admin,
          })
          .catch(() => undefined);
      agent?.kill('SIGKILL');
      await server.dispose();
    });

    it('keeps the tunnel (and the console) past the agent’s inactivity timeout', async () => {
      const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
      const c = await server.request<{ Id: string }>(
        'POST',
        docker(`/containers/create?name=edge-keepalive-${process.pid}`),
        {
          token: admin,
          body: { Image: 'capstan/busybox:local', Cmd: ['sleep', '300'] },
        },
      );
      expect(c.status, c.text).toBe(201);
      containerId = c.body.Id;
      expect(
        (await server.request('POST', docker(`/containers/${containerId}/start`), { token: admin })).status,
      ).toBe(204);
      const exec = await server.request<{ Id: string }>('POST', docker(`/containers/${containerId}/exec`), {
        token: admin,
        body: { AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, Cmd: ['sh'] },
      });
      expect(exec.status, exec.text).toBe(201);
      const ws = new WebSocket(
        `${server.baseUrl.replace('http', 'ws')}/api/websocket/exec?endpointId=${envId}&id=${exec.body.Id}&token=${admin}`,
      );
      let seen = '';
      let closed = false;
      ws.on('message', (d: Buffer) => (seen += d.toString('utf8')));
      ws.on('close', () => (closed = true));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      // Quiet for longer than the agent’s inactivity timeout (+ its check, every third of it): only the server's pings keep it.
      await new Promise((r) => setTimeout(r, (INACTIVITY_S + 10) * 1000));
      expect(output).not.toMatch(/edge tunnel: inactive/);
      expect(closed).toBe(false);
      ws.send('echo $((6*7))-still-here\n');
      const deadline = Date.now() + 8_000;
      while (!/42-still-here/.test(seen) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      ws.close();
      expect(seen).toMatch(/42-still-here/);
    }, 60_000);
  },
);
