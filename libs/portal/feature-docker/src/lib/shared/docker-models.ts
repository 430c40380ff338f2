/**
 * The Docker Engine API shapes the portal reads (the parts it uses), plus Capstan's ownership decoration.
 * The engine API is not in Capstan's OpenAPI document, so these are written by hand from Docker's docs.
 */

export interface ResourceControl {
  Id: number;
  ResourceId: string;
  Type: number;
  UserAccesses: { UserId: number; AccessLevel: number }[];
  TeamAccesses: { TeamId: number; AccessLevel: number }[];
  Public: boolean;
  AdministratorsOnly: boolean;
  System: boolean;
}

/** Capstan (like Portainer) decorates engine objects with their resource control. */
export interface Decorated {
  Portainer?: { ResourceControl?: ResourceControl };
}

export interface ContainerPort {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** One item of `GET /containers/json`. */
export interface ContainerSummary extends Decorated {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  /** A `ContainerState` (engines may add others). */
  State: string;
  Status: string;
  Ports: ContainerPort[];
  Labels: Record<string, string> | null;
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> };
}

/** `GET /containers/{id}/json` (the fields the portal reads; the inspect tab shows all of it). */
export interface ContainerInspect extends Decorated {
  Id: string;
  Name: string;
  Created: string;
  Image: string;
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    Health?: {
      Status: string;
      FailingStreak?: number;
      Log?: { Start: string; End: string; ExitCode: number; Output: string }[] | null;
    };
  };
  RestartCount?: number;
  Config: {
    Image: string;
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    Env: string[] | null;
    Labels: Record<string, string> | null;
    WorkingDir: string;
    User: string;
    Tty: boolean;
    OpenStdin: boolean;
    ExposedPorts?: Record<string, object> | null;
    Hostname?: string;
    /** Seconds `stop` waits after the stop signal before killing (engine default 10). */
    StopTimeout?: number;
    StopSignal?: string;
  };
  HostConfig: {
    Binds: string[] | null;
    PortBindings: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    RestartPolicy: { Name: string; MaximumRetryCount?: number };
    NetworkMode: string;
    Privileged: boolean;
    CapAdd: string[] | null;
    CapDrop: string[] | null;
    Memory: number;
    NanoCpus: number;
    Mounts?: { Type: string; Source: string; Target: string; ReadOnly?: boolean }[] | null;
  };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
  NetworkSettings: {
    Networks: Record<
      string,
      {
        IPAddress?: string;
        Gateway?: string;
        MacAddress?: string;
        IPAMConfig?: { IPv4Address?: string } | null;
      }
    >;
    /** Published ports of a running container: `"80/tcp" → [{HostIp, HostPort}]`, null when not published. */
    Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
  };
}

/** Ownership choices of the create form and the lists' ownership column. */
export type Ownership = 'public' | 'administrators' | 'private' | 'restricted';

export function ownershipOf(item: Decorated): Ownership | 'none' {
  const rc = item.Portainer?.ResourceControl;
  if (!rc) return 'none';
  if (rc.Public) return 'public';
  if (rc.AdministratorsOnly) return 'administrators';
  if (rc.UserAccesses.length + rc.TeamAccesses.length > 1 || rc.TeamAccesses.length > 0) return 'restricted';
  return 'private';
}

export const OWNERSHIP_LABELS: Record<Ownership | 'none', string> = {
  public: 'Public',
  administrators: 'Administrators',
  private: 'Private',
  restricted: 'Restricted',
  none: '—',
};

/** `/name` → `name` (the engine prefixes names with a slash). */
export function containerName(c: Pick<ContainerSummary, 'Names' | 'Id'>): string {
  return c.Names[0]?.replace(/^\//, '') || c.Id.slice(0, 12);
}

export function containerIp(c: ContainerSummary): string {
  const nets = c.NetworkSettings?.Networks ?? {};
  for (const n of Object.values(nets)) if (n.IPAddress) return n.IPAddress;
  return '';
}

export type BadgeKind = 'success' | 'danger' | 'accent' | 'warning' | 'neutral';

export function stateBadge(state: string): BadgeKind {
  switch (state) {
    case 'running':
      return 'success';
    case 'paused':
    case 'restarting':
      return 'warning';
    case 'dead':
    case 'removing':
      return 'danger';
    case 'exited':
      return 'neutral';
    default:
      return 'accent';
  }
}

/** "healthy" / "unhealthy" / "starting" from a list item's Status text ("Up 3 minutes (healthy)"). */
export function healthOf(status: string): string | null {
  const m = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  return m ? m[1].replace('health: ', '') : null;
}

/** Splits a shell-like command line into argv: quotes ('…' and "…") and backslash escapes. */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) out.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) out.push(current);
  return out;
}

/** argv → a command line that splitCommand() reads back. */
export function joinCommand(argv: readonly string[] | null | undefined): string {
  return (argv ?? [])
    .map((a) => (a === '' || /[\s"'\\]/.test(a) ? `'${a.replace(/'/g, `'"'"'`)}'` : a))
    .join(' ');
}
