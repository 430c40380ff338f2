import { createServer as createHttpServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChiselServer,
  generateTunnelHostKey,
  openChiselTunnel,
  tunnelHostKey,
  type TunnelGrant,
} from './chisel';

/** The chisel-compatible tunnel end to end on loopback: real ssh2 and ws on both sides, a real HTTP target. */
describe('chisel tunnel (ssh2 over ws)', () => {
  const hostKey = tunnelHostKey(generateTunnelHostKey());
  const events: string[] = [];
  let chisel: ChiselServer;
  let front: Server;
  let target: Server;
  let url: string;
  let targetPort: number;

  beforeAll(async () => {
    chisel = new ChiselServer(hostKey.privateKey, {
      opened: (g) => events.push(`opened ${g.port}`),
      closed: (g) => events.push(`closed ${g.port}`),
    });
    front = createHttpServer((_req, res) => res.writeHead(404).end());
    front.on('upgrade', (req, sock, head) => chisel.handleUpgrade(req, sock, head));
    target = createHttpServer((req, res) => res.end(`agent saw ${req.url}`));
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(front.address() as AddressInfo).port}`;
    targetPort = (target.address() as AddressInfo).port;
  });

  afterAll(() => {
    chisel.close();
    front.close();
    target.close();
  });

  const freePort = async (): Promise<number> => {
    const s = createHttpServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    return port;
  };

  const get = (port: number, path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });

  const grant = async (): Promise<TunnelGrant> => {
    const g = {
      user: `u${Math.random().toString(36).slice(2, 9)}`,
      password: 'p4ssw0rd',
      port: await freePort(),
    };
    chisel.grant(g);
    return g;
  };

  it('carries HTTP from the reverse port to the target, then closes on revoke', async () => {
    const g = await grant();
    let connections = 0;
    const tunnel = await openChiselTunnel({
      url,
      fingerprint: hostKey.fingerprint,
      user: g.user,
      password: g.password,
      port: g.port,
      target: { host: '127.0.0.1', port: targetPort },
      onConnection: () => connections++,
    });
    expect(events).toContain(`opened ${g.port}`);
    expect(await get(g.port, '/ping')).toBe('agent saw /ping');
    expect(await get(g.port, '/containers/json')).toBe('agent saw /containers/json');
    expect(connections).toBeGreaterThanOrEqual(1);
    chisel.revoke(g.user);
    await tunnel.closed;
    await expect(get(g.port, '/ping')).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toContain(`closed ${g.port}`);
  });

  it('refuses a credential asking for another port than its own', async () => {
    const g = await grant();
    const other = await freePort();
    await expect(
      openChiselTunnel({
        url,
        fingerprint: hostKey.fingerprint,
        user: g.user,
        password: g.password,
        port: other,
        target: { host: '127.0.0.1', port: targetPort },
      }),
    ).rejects.toThrow(/refused the config/);
    await expect(get(other, '/ping')).rejects.toThrow();
  });

  it('refuses a wrong password, an unknown user and a revoked (replayed) credential', async () => {
    const g = await grant();
    const base = {
      url,
      fingerprint: hostKey.fingerprint,
      port: g.port,
      target: { host: '127.0.0.1', port: targetPort },
    };
    await expect(openChiselTunnel({ ...base, user: g.user, password: 'wrong' })).rejects.toThrow();
    await expect(openChiselTunnel({ ...base, user: 'nobody', password: g.password })).rejects.toThrow();
    chisel.revoke(g.user);
    await expect(openChiselTunnel({ ...base, user: g.user, password: g.password })).rejects.toThrow();
  });

  it('refuses a server whose host key does not match the fingerprint', async () => {
    const g = await grant();
    const other = tunnelHostKey(generateTunnelHostKey());
    await expect(
      openChiselTunnel({
        url,
        fingerprint: other.fingerprint,
        user: g.user,
        password: g.password,
        port: g.port,
        target: { host: '127.0.0.1', port: targetPort },
      }),
    ).rejects.toThrow();
  });
});
