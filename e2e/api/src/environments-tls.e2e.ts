import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePostgres } from '@capstan/testing';
import { uniqueName, withAdminServer } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true') throw new Error(`CI needs a Docker engine on ${SOCKET}`);

interface Pki {
  ca: string;
  otherCa: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** A throwaway PKI made with openssl: a CA, a server cert for 127.0.0.1, a client cert, and an unrelated CA. */
function makePki(dir: string): Pki {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ca = (name: string) => {
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
    );
  };
  ca('ca');
  ca('other-ca');
  const leaf = (name: string, ext: string) => {
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    );
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.pem`,
      '-extfile',
      ext,
    );
  };
  execFileSync(
    'sh',
    [
      '-c',
      `printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext; printf 'extendedKeyUsage=clientAuth\\n' > client.ext`,
    ],
    { cwd: dir },
  );
  leaf('server', 'server.ext');
  leaf('client', 'client.ext');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    ca: read('ca.pem'),
    otherCa: read('other-ca.pem'),
    serverCert: read('server.pem'),
    serverKey: read('server.key'),
    clientCert: read('client.pem'),
    clientKey: read('client.key'),
  };
}

describe.runIf(hasDocker)('environments over TCP with mutual TLS (real engine behind a TLS front)', () => {
  const env = withAdminServer();
  const dir = mkdtempSync(join(tmpdir(), 'capstan-pki-'));
  let pki: Pki;
  let front: Server;
  let port = 0;

  beforeAll(async () => {
    pki = makePki(dir);
    // Like dockerd --tlsverify: the client must present a certificate signed by the CA.
    front = createServer(
      { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true },
      (client) => {
        const upstream = createConnection(SOCKET);
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      },
    );
    await new Promise<void>((res) => front.listen(0, '127.0.0.1', () => res()));
    port = (front.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((res) => front.close(() => res()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function create(fields: Record<string, string>, files: Record<string, string>) {
    const f = new FormData();
    for (const [k, v] of Object.entries({
      EndpointCreationType: '1',
      URL: `tcp://127.0.0.1:${port}`,
      TLS: 'true',
      ...fields,
    }))
      f.append(k, v);
    for (const [k, v] of Object.entries(files)) f.append(k, new Blob([v]), `${k}.pem`);
    const r = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    return { status: r.status, text: await r.text() };
  }

  it('connects with the CA and a client certificate, proxies, and never returns or stores the key in clear', async () => {
    const r = await create(
      { Name: uniqueName('tls') },
      { TLSCACertFile: pki.ca, TLSCertFile: pki.clientCert, TLSKeyFile: pki.clientKey },
    );
    expect(r.status, r.text).toBe(200);
    const created = JSON.parse(r.text) as { Id: number; TLSConfig: { TLS: boolean }; Snapshots: unknown[] };
    expect(created.TLSConfig.TLS).toBe(true);
    expect(created.Snapshots).toHaveLength(1);
    expect(r.text).not.toContain('BEGIN');
    const version = await env.server.request<{ ApiVersion: string }>(
      'GET',
      `/api/endpoints/${created.Id}/docker/version`,
      { token: env.admin },
    );
    expect(version.status, version.text).toBe(200);
    if (!usePostgres) {
      const db = readFileSync(join(env.server.dataDir, 'capstan.db'));
      const wal = existsSync(join(env.server.dataDir, 'capstan.db-wal'))
        ? readFileSync(join(env.server.dataDir, 'capstan.db-wal'))
        : Buffer.alloc(0);
      expect(db.includes('PRIVATE KEY')).toBe(false);
      expect(wal.includes('PRIVATE KEY')).toBe(false);
    }
  });

  it('refuses a missing client certificate, a wrong CA and mismatched files', async () => {
    expect((await create({ Name: uniqueName('tls') }, { TLSCACertFile: pki.ca })).status).toBe(422);
    expect(
      (
        await create(
          { Name: uniqueName('tls') },
          { TLSCACertFile: pki.otherCa, TLSCertFile: pki.clientCert, TLSKeyFile: pki.clientKey },
        )
      ).status,
    ).toBe(422);
    expect((await create({ Name: uniqueName('tls') }, { TLSCertFile: pki.clientCert })).status).toBe(400);
    expect(
      (
        await create(
          { Name: uniqueName('tls') },
          { TLSCACertFile: 'garbage', TLSCertFile: pki.clientCert, TLSKeyFile: pki.clientKey },
        )
      ).status,
    ).toBe(400);
  });

  it('skips server verification when asked, still presenting the client certificate', async () => {
    const r = await create(
      { Name: uniqueName('tls'), TLSSkipVerify: 'true' },
      { TLSCertFile: pki.clientCert, TLSKeyFile: pki.clientKey },
    );
    expect(r.status, r.text).toBe(200);
  });
});
