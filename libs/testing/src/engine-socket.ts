import { existsSync } from 'node:fs';
import { request } from 'node:http';

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
