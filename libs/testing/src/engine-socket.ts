import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * Whether a Docker-compatible engine answers `GET /_ping` on a unix socket. A socket file alone proves nothing:
 * it can outlive an engine that died (a Swarm lab killed without `down`, a stopped Podman service).
 */
export function engineAnswers(socket: string, timeoutMs = 2000): Promise<boolean> {
  if (!existsSync(socket)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Whether a Capstan/Portainer agent answers `GET /ping` on https://host:port (its certificate is self-signed and
 * made at start: not verified): 204 with the `Portainer-Agent` header.
 */
export function agentAnswers(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpsRequest(
      { host, port, path: '/ping', rejectUnauthorized: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(res.statusCode === 204 && typeof res.headers['portainer-agent'] === 'string');
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
