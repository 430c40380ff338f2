import { Agent, IncomingHttpHeaders, IncomingMessage, request, RequestOptions } from 'node:http';
import { connect, Socket } from 'node:net';

/** Where the engine listens: DOCKER_HOST as `unix:///path` or `tcp://host:port` (plain HTTP). */
export type DockerEndpoint = { socketPath: string } | { host: string; port: number };

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export function parseDockerHost(value: string | undefined): DockerEndpoint {
  const v = value?.trim();
  if (!v) return { socketPath: DEFAULT_DOCKER_SOCKET };
  if (v.startsWith('unix://')) return { socketPath: v.slice('unix://'.length) };
  const m = /^(?:tcp|http):\/\/([^:/]+|\[[^\]]+\]):(\d+)\/?$/.exec(v);
  if (m) return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  throw new Error(`DOCKER_HOST must be unix:///path or tcp://host:port, got "${v}"`);
}

/** The local engine: pooled HTTP requests for the pass-through, raw sockets for hijacked streams. */
export class DockerEngine {
  private readonly agent = new Agent({ keepAlive: true, maxFreeSockets: 16 });

  constructor(readonly endpoint: DockerEndpoint) {}

  requestOptions(
    method: string,
    path: string,
    headers: IncomingHttpHeaders | Record<string, string>,
  ): RequestOptions {
    return { ...this.endpoint, method, path, headers: { ...headers, host: 'docker' }, agent: this.agent };
  }

  /** A small JSON call (volume inspect): status and parsed body. */
  json(method: string, path: string): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve, reject) => {
      const req = request(this.requestOptions(method, path, {}), (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      });
      req.setTimeout(10_000, () => req.destroy(new Error('Docker engine timeout')));
      req.on('error', reject);
      req.end();
    });
  }

  connectRaw(): Socket {
    const socket =
      'socketPath' in this.endpoint
        ? connect(this.endpoint.socketPath)
        : connect(this.endpoint.port, this.endpoint.host);
    socket.setKeepAlive(true, 30_000);
    return socket;
  }

  close(): void {
    this.agent.destroy();
  }
}
