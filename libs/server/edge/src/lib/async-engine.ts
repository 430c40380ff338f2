import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import type {
  ContainerCommandValue,
  ContainerOperation,
  EdgeCommandType,
  ImageCommandValue,
  VolumeCommandValue,
} from '@capstan/contracts-agent';

/** The header naming the snapshot an answer comes from (the Docker proxy's snapshot fallback uses the same). */
export const ASYNC_SNAPSHOT_HEADER = 'X-Capstan-Snapshot';
/** The header carrying the id of the command an action was turned into. */
export const ASYNC_COMMAND_HEADER = 'X-Capstan-Edge-Command';

type Json = Record<string, unknown>;

/** The latest snapshot's raw lists (server-environments' DockerSnapshotRaw) and its time (unix seconds). */
export interface AsyncSnapshotView {
  readonly raw: {
    Containers: unknown[];
    Images: unknown[];
    Volumes: unknown[];
    Networks: unknown[];
    Info: unknown;
    Version: unknown;
  };
  readonly time: number;
}

export interface AsyncEnginePorts {
  snapshot(environmentId: number): Promise<AsyncSnapshotView | undefined>;
  enqueue(
    environmentId: number,
    type: EdgeCommandType,
    value: unknown,
    summary: string,
  ): Promise<{ id: number; status: string }>;
}

/**
 * One end of an in-process byte pipe: what one side writes, the other reads. Enough of a socket for Node's HTTP
 * client (`createConnection`) and server (`'connection'` event accepts any Duplex).
 */
class PipeEnd extends Duplex {
  peer?: PipeEnd;

  override _read(): void {
    // data is pushed by the peer's writes
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (e?: Error | null) => void): void {
    this.peer?.push(chunk);
    callback();
  }

  override _final(callback: (e?: Error | null) => void): void {
    this.peer?.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (e?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    if (peer && !peer.destroyed) peer.destroy();
    callback(error);
  }

  // The socket methods Node's HTTP machinery calls; a pipe has no timeouts or Nagle.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

function pipePair(): [PipeEnd, PipeEnd] {
  const a = new PipeEnd();
  const b = new PipeEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

const NOT_AVAILABLE = {
  message: 'Not available on an async edge environment',
  details:
    'An async edge environment is browsed from its last snapshot; container start, stop, restart, kill and ' +
    'removal, and image and volume removal are queued as commands for its agent. Other calls need a standard ' +
    'edge agent (tunnel).',
};

/**
 * The engine of an async edge environment, emulated in the server (Portainer EE browses async environments from
 * their snapshot): the engine connection's edge transport sends an async environment's Docker API calls here
 * (`connect`), so the Docker proxy — roles, ownership, hidden labels — works unchanged. Reads are answered from
 * the latest snapshot (with `X-Capstan-Snapshot`); the supported actions become queued commands, answered
 * `202 {"CommandId", "Status"}`; anything else is a 501.
 */
export class AsyncEngine {
  private readonly server: Server;
  private readonly environmentOf = new WeakMap<object, number>();

  constructor(private readonly ports: AsyncEnginePorts) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) send(res, 500, { message: 'Async edge engine failed', details: String(e) });
        else res.destroy();
      });
    });
  }

  /** A fresh in-process connection to the emulated engine of this environment. */
  connect(environmentId: number): Duplex {
    const [client, serverSide] = pipePair();
    this.environmentOf.set(serverSide, environmentId);
    this.server.emit('connection', serverSide);
    return client;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const environmentId = this.environmentOf.get(req.socket);
    req.resume(); // bodies are not read: no supported action has one
    if (environmentId === undefined) return send(res, 500, { message: 'Unknown async connection' });
    const url = new URL(req.url ?? '/', 'http://engine');
    const path = decodeURIComponent(url.pathname.replace(/^\/v\d+(\.\d+)?(?=\/)/, ''));
    const method = req.method ?? 'GET';
    if (path === '/_ping') return sendText(res, 200, 'OK');
    if (method === 'GET' || method === 'HEAD') return this.read(res, environmentId, path, url.searchParams);
    return this.act(res, environmentId, method, path, url.searchParams);
  }

  private async read(
    res: ServerResponse,
    environmentId: number,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    const snap = await this.ports.snapshot(environmentId);
    if (!snap)
      return send(res, 503, {
        message: 'The environment is not connected',
        details: 'The async edge agent has not sent a snapshot yet',
      });
    const time = new Date(snap.time * 1000).toISOString();
    const ok = (body: unknown): void => send(res, 200, body, { [ASYNC_SNAPSHOT_HEADER]: time });
    const raw = snap.raw;
    const containers = (raw.Containers ?? []) as Json[];
    let m: RegExpExecArray | null;
    if (path === '/info') return ok(raw.Info ?? {});
    if (path === '/version') return ok(raw.Version ?? {});
    if (path === '/containers/json') return ok(filterContainers(containers, query));
    if ((m = /^\/containers\/([^/]+)\/json$/.exec(path))) {
      const c = findContainer(containers, m[1] ?? '');
      return c ? ok(inspectOf(c)) : noSuch(res, 'container', m[1] ?? '');
    }
    if (path === '/images/json') return ok(raw.Images ?? []);
    if ((m = /^\/images\/(.+)\/json$/.exec(path))) {
      const image = findImage((raw.Images ?? []) as Json[], m[1] ?? '');
      return image ? ok(image) : noSuch(res, 'image', m[1] ?? '');
    }
    if (path === '/volumes') return ok({ Volumes: raw.Volumes ?? [], Warnings: null });
    if ((m = /^\/volumes\/([^/]+)$/.exec(path))) {
      const v = ((raw.Volumes ?? []) as Json[]).find((x) => x['Name'] === m?.[1]);
      return v ? ok(v) : noSuch(res, 'volume', m[1] ?? '');
    }
    if (path === '/networks') return ok(raw.Networks ?? []);
    if ((m = /^\/networks\/([^/]+)$/.exec(path))) {
      const key = m[1] ?? '';
      const n = ((raw.Networks ?? []) as Json[]).find(
        (x) => x['Name'] === key || (typeof x['Id'] === 'string' && x['Id'].startsWith(key)),
      );
      return n ? ok(n) : noSuch(res, 'network', key);
    }
    // Swarm lists are not in an async snapshot: empty, as on a standalone engine.
    if (['/services', '/tasks', '/secrets', '/configs', '/nodes'].includes(path)) return ok([]);
    return send(res, 501, NOT_AVAILABLE);
  }

  private async act(
    res: ServerResponse,
    environmentId: number,
    method: string,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    let m: RegExpExecArray | null;
    const queued = async (type: EdgeCommandType, value: unknown, summary: string): Promise<void> => {
      const cmd = await this.ports.enqueue(environmentId, type, value, summary);
      send(
        res,
        202,
        { CommandId: cmd.id, Status: cmd.status, Message: `Queued for the edge agent: ${summary}` },
        { [ASYNC_COMMAND_HEADER]: String(cmd.id) },
      );
    };
    if (method === 'POST' && (m = /^\/containers\/([^/]+)\/(start|stop|restart|kill)$/.exec(path))) {
      const c = await this.container(environmentId, m[1] ?? '');
      if (!c) return noSuch(res, 'container', m[1] ?? '');
      const operation = m[2] as ContainerOperation;
      const value: ContainerCommandValue = { ContainerName: c.id, ContainerOperation: operation };
      return queued('container', value, `${operation} container ${c.name}`);
    }
    if (method === 'DELETE' && (m = /^\/containers\/([^/]+)$/.exec(path))) {
      const c = await this.container(environmentId, m[1] ?? '');
      if (!c) return noSuch(res, 'container', m[1] ?? '');
      const value: ContainerCommandValue = {
        ContainerName: c.id,
        ContainerOperation: 'delete',
        ContainerRemoveOptions: {
          Force: truthy(query.get('force')),
          RemoveVolumes: truthy(query.get('v')),
          RemoveLinks: truthy(query.get('link')),
        },
      };
      return queued('container', value, `delete container ${c.name}`);
    }
    if (method === 'DELETE' && (m = /^\/images\/(.+)$/.exec(path))) {
      const name = m[1] ?? '';
      const snap = await this.ports.snapshot(environmentId);
      if (!findImage((snap?.raw.Images ?? []) as Json[], name)) return noSuch(res, 'image', name);
      const value: ImageCommandValue = {
        ImageName: name,
        ImageOperation: 'delete',
        ImageRemoveOptions: { Force: truthy(query.get('force')), PruneChildren: !truthy(query.get('noprune')) },
      };
      return queued('image', value, `delete image ${name}`);
    }
    if (method === 'DELETE' && (m = /^\/volumes\/([^/]+)$/.exec(path))) {
      const name = m[1] ?? '';
      const snap = await this.ports.snapshot(environmentId);
      if (!((snap?.raw.Volumes ?? []) as Json[]).some((v) => v['Name'] === name))
        return noSuch(res, 'volume', name);
      const value: VolumeCommandValue = {
        VolumeName: name,
        VolumeOperation: 'delete',
        ForceRemove: truthy(query.get('force')),
      };
      return queued('volume', value, `delete volume ${name}`);
    }
    return send(res, 501, NOT_AVAILABLE);
  }

  private async container(environmentId: number, key: string): Promise<{ id: string; name: string } | undefined> {
    const snap = await this.ports.snapshot(environmentId);
    const c = findContainer((snap?.raw.Containers ?? []) as Json[], key);
    if (!c) return undefined;
    return { id: String(c['Id']), name: nameOf(c) };
  }
}

function truthy(v: string | null): boolean {
  return v === '1' || v === 'true';
}

function nameOf(c: Json): string {
  const names = c['Names'] as string[] | undefined;
  return (names?.[0] ?? String(c['Id']).slice(0, 12)).replace(/^\//, '');
}

function findContainer(containers: Json[], key: string): Json | undefined {
  if (key === '') return undefined;
  return (
    containers.find((c) => c['Id'] === key) ??
    containers.find((c) => ((c['Names'] as string[] | undefined) ?? []).some((n) => n.replace(/^\//, '') === key)) ??
    (key.length >= 4 ? containers.find((c) => String(c['Id']).startsWith(key)) : undefined)
  );
}

function findImage(images: Json[], key: string): Json | undefined {
  const bare = key.replace(/^sha256:/, '');
  return images.find(
    (i) =>
      String(i['Id']).replace(/^sha256:/, '').startsWith(bare) ||
      ((i['RepoTags'] as string[] | null | undefined) ?? []).some((t) => t === key || t === `${key}:latest`),
  );
}

/** An inspect built from a list entry: what the snapshot knows (ownership reads Id, Name and Config.Labels). */
function inspectOf(c: Json): Json {
  const state = String(c['State'] ?? '');
  return {
    Id: c['Id'],
    Name: `/${nameOf(c)}`,
    Created: typeof c['Created'] === 'number' ? new Date(c['Created'] * 1000).toISOString() : c['Created'],
    Image: c['ImageID'],
    State: { Status: state, Running: state === 'running', Paused: state === 'paused' },
    Config: { Image: c['Image'], Labels: c['Labels'] ?? {}, Env: c['Env'] ?? null, Cmd: c['Command'] ?? null },
    HostConfig: c['HostConfig'] ?? {},
    Mounts: c['Mounts'] ?? [],
    NetworkSettings: c['NetworkSettings'] ?? {},
  };
}

/** `all` and the `filters` Portainer's portal sends (label, status, name, id); others are ignored. */
function filterContainers(containers: Json[], query: URLSearchParams): Json[] {
  let list = truthy(query.get('all')) ? containers : containers.filter((c) => c['State'] === 'running');
  const raw = query.get('filters');
  if (!raw) return list;
  let filters: Record<string, string[] | Record<string, boolean>> = {};
  try {
    filters = JSON.parse(raw) as typeof filters;
  } catch {
    return list;
  }
  const values = (k: string): string[] => {
    const v = filters[k];
    return Array.isArray(v) ? v : v ? Object.keys(v) : [];
  };
  for (const label of values('label')) {
    const [k, ...rest] = label.split('=');
    const want = rest.length > 0 ? rest.join('=') : undefined;
    list = list.filter((c) => {
      const labels = (c['Labels'] ?? {}) as Record<string, string>;
      return k !== undefined && k in labels && (want === undefined || labels[k] === want);
    });
  }
  const statuses = values('status');
  if (statuses.length > 0) list = list.filter((c) => statuses.includes(String(c['State'])));
  const names = values('name');
  if (names.length > 0) list = list.filter((c) => names.some((n) => nameOf(c).includes(n)));
  const ids = values('id');
  if (ids.length > 0) list = list.filter((c) => ids.some((i) => String(c['Id']).startsWith(i)));
  return list;
}

function noSuch(res: ServerResponse, kind: string, key: string): void {
  send(res, 404, { message: `No such ${kind}: ${key}` });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
