import {
  Agent,
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  request,
  RequestOptions,
} from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';

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

/** An engine's answer to an upgrade request: switched (`101`, the socket to splice) or refused (read the answer). */
export type EngineUpgrade =
  | {
      readonly upgraded: true;
      readonly answer: IncomingMessage;
      readonly engine: Duplex;
      readonly head: Buffer;
    }
  | { readonly upgraded: false; readonly answer: IncomingMessage };

/** The local engine: pooled HTTP requests for the pass-through, one upgrade opener for hijacked streams. */
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

  /**
   * The one way this node opens a Docker API upgrade (attach, exec start, session…): the request with its upgrade
   * headers on a connection of its own (never pooled). Resolves with the engine's `101` and the spliceable socket, or
   * with its refusal (404 no such container, 409 not running…) as a response to read; rejects when the engine
   * cannot be reached. The client going away first aborts the request.
   */
  openUpgrade(call: {
    method: string;
    path: string;
    headers: OutgoingHttpHeaders;
    body: Buffer;
    client: Duplex;
  }): Promise<EngineUpgrade> {
    const upstream = request({
      ...this.endpoint,
      method: call.method,
      path: call.path,
      headers: { ...call.headers, host: 'docker' },
      agent: false,
    });
    call.client.on('close', () => upstream.destroy());
    return new Promise<EngineUpgrade>((resolve, reject) => {
      upstream.on('upgrade', (answer: IncomingMessage, engine: Duplex, head: Buffer) => {
        if (engine instanceof Socket) engine.setKeepAlive(true, 30_000);
        resolve({ upgraded: true, answer, engine, head });
      });
      upstream.on('response', (answer: IncomingMessage) => resolve({ upgraded: false, answer }));
      upstream.on('error', reject);
      upstream.end(call.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
