import type { DockerEnvironment } from '@capstan/portal-data-access';

import type { ContainerInspect, ContainerSummary } from '../../shared/docker-models';

/** An environment as `GET /api/endpoints/{id}` returns it, with the caller's permissions there. */
export function envFactory(
  permissions: readonly string[],
  overrides: Partial<DockerEnvironment> = {},
): DockerEnvironment {
  return {
    Id: 7,
    Name: 'local',
    Status: 1,
    URL: 'unix:///var/run/docker.sock',
    PublicURL: '',
    ContainerEngine: 'docker',
    Snapshots: [],
    CapstanAccess: { RoleId: 1, Permissions: [...permissions] },
    ...overrides,
  } as unknown as DockerEnvironment;
}

let seq = 0;

/** One item of `GET /containers/json`. */
export function containerFactory(
  overrides: Partial<ContainerSummary> & { name?: string } = {},
): ContainerSummary {
  const n = ++seq;
  const { name, ...rest } = overrides;
  return {
    Id: `${String(n).padStart(4, '0')}${'a'.repeat(60)}`,
    Names: [`/${name ?? `c${n}`}`],
    Image: 'capstan/busybox:local',
    ImageID: 'sha256:abc',
    Command: 'sh',
    Created: 1_700_000_000 + n,
    State: 'running',
    Status: 'Up 2 minutes',
    Ports: [],
    Labels: {},
    NetworkSettings: { Networks: { bridge: { IPAddress: `172.17.0.${n % 250}` } } },
    ...rest,
  };
}

/** `GET /containers/{id}/json` of a running container. */
export function inspectFactory(overrides: Partial<ContainerInspect> = {}): ContainerInspect {
  return {
    Id: 'f'.repeat(64),
    Name: '/web',
    Created: '2026-11-23T02:00:00Z',
    Image: 'sha256:img',
    State: {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      ExitCode: 0,
      StartedAt: '2026-11-23T02:00:01Z',
      FinishedAt: '0001-01-01T00:00:00Z',
    },
    Config: {
      Image: 'nginx:1.27',
      Cmd: ['nginx', '-g', 'daemon off;'],
      Entrypoint: ['/docker-entrypoint.sh'],
      Env: ['PATH=/usr/bin', 'MODE=prod'],
      Labels: { team: 'web', 'com.docker.compose.project': 'x' },
      WorkingDir: '',
      User: '',
      Tty: false,
      OpenStdin: false,
    },
    HostConfig: {
      Binds: ['/srv/www:/usr/share/nginx/html:ro', 'cache:/var/cache/nginx'],
      PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      NetworkMode: 'bridge',
      Privileged: false,
      CapAdd: ['NET_ADMIN'],
      CapDrop: null,
      Memory: 256 * 1024 * 1024,
      NanoCpus: 500_000_000,
    },
    Mounts: [],
    NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.9' } } },
    ...overrides,
  };
}

/** A WebSocket the test drives: `open()`, `message(obj)`, `fail()`. */
export class FakeSocket {
  static last: FakeSocket | null = null;
  static urls: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  readyState = 0;
  sent: string[] = [];
  closed = false;

  constructor(readonly url: string) {
    FakeSocket.last = this;
    FakeSocket.urls.push(url);
  }

  static factory = (url: string): WebSocket => new FakeSocket(url) as unknown as WebSocket;

  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }

  message(value: unknown): void {
    this.onmessage?.({ data: typeof value === 'string' ? value : JSON.stringify(value) });
  }

  /** Closed before opening: the route is missing or refused. */
  fail(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
}
