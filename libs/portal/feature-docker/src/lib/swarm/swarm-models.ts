/** Swarm shapes of the Engine API (the parts the pages use) and the pure functions behind the forms. */
import type { PortainerDecoration } from '@capstan/portal-data-access';

export interface Versioned {
  ID: string;
  Version: { Index: number };
  CreatedAt?: string;
  UpdatedAt?: string;
}

export interface SwarmInfo extends Versioned {
  JoinTokens?: { Worker: string; Manager: string };
  Spec?: { Name?: string };
}

export interface NodeSpec {
  Name?: string;
  Labels?: Record<string, string>;
  Role: 'worker' | 'manager';
  Availability: 'active' | 'pause' | 'drain';
}

export interface SwarmNode extends Versioned {
  Spec: NodeSpec;
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string } };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string };
}

export interface PortConfig {
  Protocol?: 'tcp' | 'udp' | 'sctp';
  TargetPort?: number;
  PublishedPort?: number;
  PublishMode?: 'ingress' | 'host';
}

export interface MountSpec {
  Type: 'volume' | 'bind' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
}

export interface ServiceSpec {
  Name: string;
  Labels?: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: {
      Image: string;
      Args?: string[];
      Command?: string[];
      Env?: string[];
      Mounts?: MountSpec[];
      Labels?: Record<string, string>;
    };
    Placement?: { Constraints?: string[] };
    Networks?: { Target: string }[];
    ForceUpdate?: number;
    RestartPolicy?: Record<string, unknown>;
  };
  Mode: { Replicated?: { Replicas?: number }; Global?: Record<string, never> };
  UpdateConfig?: {
    Parallelism?: number;
    Delay?: number;
    FailureAction?: 'pause' | 'continue' | 'rollback';
    Order?: 'stop-first' | 'start-first';
  };
  EndpointSpec?: { Ports?: PortConfig[] };
}

export interface SwarmService extends Versioned, PortainerDecoration {
  Spec: ServiceSpec;
  PreviousSpec?: ServiceSpec;
  Endpoint?: { Ports?: PortConfig[] };
  UpdateStatus?: { State?: string; Message?: string };
  /** `GET /services?status=true` (API ≥ 1.41). */
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number };
}

export interface SwarmTask extends Versioned {
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  Status: { State: string; Message?: string; Err?: string; Timestamp?: string };
}

export interface SwarmConfigOrSecret extends Versioned, PortainerDecoration {
  Spec: { Name: string; Labels?: Record<string, string>; Data?: string };
}

// ---------------------------------------------------------------------------------------------------------
// Service form

export interface PortRow {
  published: string;
  target: string;
  protocol: 'tcp' | 'udp';
  mode: 'ingress' | 'host';
}
export interface MountRow {
  type: 'volume' | 'bind';
  source: string;
  target: string;
  readOnly: boolean;
}
export interface EnvRow {
  key: string;
  value: string;
}

export interface ServiceForm {
  name: string;
  image: string;
  command: string;
  mode: 'replicated' | 'global';
  replicas: string;
  ports: PortRow[];
  mounts: MountRow[];
  env: EnvRow[];
  /** The names of the swarm-scoped networks the tasks join, in the order of the list they were picked from. */
  networks: string[];
  /** One constraint a line, e.g. `node.role==worker`. */
  constraints: string;
  parallelism: string;
  /** Seconds between batches. */
  delay: string;
  failureAction: 'pause' | 'continue' | 'rollback';
  order: 'stop-first' | 'start-first';
}

export function emptyServiceForm(): ServiceForm {
  return {
    name: '',
    image: '',
    command: '',
    mode: 'replicated',
    replicas: '1',
    ports: [],
    mounts: [],
    env: [],
    networks: [],
    constraints: '',
    parallelism: '1',
    delay: '0',
    failureAction: 'pause',
    order: 'stop-first',
  };
}

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const CONSTRAINT = /^[\w.\-[\]]+\s*(==|!=)\s*\S+$/;

/** Splits a command line on spaces, keeping quoted parts together (no shell: nothing is expanded). */
export function splitCommand(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null)
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3] ?? ''));
  return out;
}

const intIn = (text: string, min: number, max: number): number | null => {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= min && n <= max ? n : null;
};

export type ServiceFormErrors = Partial<
  Record<
    'name' | 'image' | 'replicas' | 'ports' | 'mounts' | 'env' | 'constraints' | 'parallelism' | 'delay',
    string
  >
>;

export function serviceFormErrors(f: ServiceForm): ServiceFormErrors {
  const e: ServiceFormErrors = {};
  if (!SERVICE_NAME.test(f.name.trim()))
    e.name = 'A name is 1–63 letters, digits, "_", "." or "-", starting with a letter or digit.';
  if (!f.image.trim() || /\s/.test(f.image.trim())) e.image = 'An image reference is required (no spaces).';
  if (f.mode === 'replicated' && intIn(f.replicas, 0, 10_000) === null) e.replicas = 'Replicas: 0–10000.';
  if (f.ports.some((p) => badPortFields(p).length > 0))
    e.ports = 'Ports are 1–65535 (the published port may be left empty).';
  if (f.mounts.some((m) => badMountFields(m).length > 0))
    e.mounts = 'Mount targets are absolute paths; bind sources too.';
  if (f.env.some((v) => (v.key.trim() === '' ? v.value !== '' : /[=\s]/.test(v.key.trim()))))
    e.env = 'Every variable needs a name without "=" or spaces.';
  const bad = constraintLines(f.constraints).filter((c) => !CONSTRAINT.test(c));
  if (bad.length) e.constraints = `Not a constraint: ${bad.join(', ')} (e.g. node.role==worker).`;
  if (intIn(f.parallelism, 0, 1000) === null) e.parallelism = 'Parallelism: 0 (all at once) – 1000.';
  if (intIn(f.delay, 0, 86_400) === null) e.delay = 'Delay: 0–86400 seconds.';
  return e;
}

/** The fields of a port row that are wrong (the published port may be empty: Swarm picks one). */
export function badPortFields(p: PortRow): ('published' | 'target')[] {
  const bad: ('published' | 'target')[] = [];
  if (p.published.trim() !== '' && intIn(p.published, 1, 65535) === null) bad.push('published');
  if (intIn(p.target, 1, 65535) === null) bad.push('target');
  return bad;
}

/** The fields of a mount row that are wrong: the target is an absolute path, a bind's source too. */
export function badMountFields(m: MountRow): ('source' | 'target')[] {
  const bad: ('source' | 'target')[] = [];
  if (m.type === 'bind' && !m.source.trim().startsWith('/')) bad.push('source');
  if (!m.target.trim().startsWith('/')) bad.push('target');
  return bad;
}

const constraintLines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

const NS_PER_SECOND = 1_000_000_000;

/** The `POST /services/create` body for a valid form. */
export function serviceCreateBody(f: ServiceForm): ServiceSpec {
  const args = splitCommand(f.command);
  const env = f.env.filter((v) => v.key.trim() !== '').map((v) => `${v.key.trim()}=${v.value}`);
  const mounts: MountSpec[] = f.mounts.map((m) => ({
    Type: m.type,
    ...(m.source.trim() ? { Source: m.source.trim() } : {}),
    Target: m.target.trim(),
    ReadOnly: m.readOnly,
  }));
  const networks = f.networks.map((Target) => ({ Target }));
  const constraints = constraintLines(f.constraints);
  const ports: PortConfig[] = f.ports.map((p) => ({
    Protocol: p.protocol,
    TargetPort: Number(p.target),
    ...(p.published.trim() ? { PublishedPort: Number(p.published) } : {}),
    PublishMode: p.mode,
  }));
  return {
    Name: f.name.trim(),
    TaskTemplate: {
      ContainerSpec: {
        Image: f.image.trim(),
        ...(args.length ? { Args: args } : {}),
        ...(env.length ? { Env: env } : {}),
        ...(mounts.length ? { Mounts: mounts } : {}),
      },
      ...(constraints.length ? { Placement: { Constraints: constraints } } : {}),
      ...(networks.length ? { Networks: networks } : {}),
    },
    Mode: f.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: Number(f.replicas) } },
    UpdateConfig: {
      Parallelism: Number(f.parallelism),
      Delay: Number(f.delay) * NS_PER_SECOND,
      FailureAction: f.failureAction,
      Order: f.order,
    },
    ...(ports.length ? { EndpointSpec: { Ports: ports } } : {}),
  };
}

/** `GET /networks` item, the fields the service form reads (`Ingress`: the routing mesh's network). */
export interface NetworkListItem {
  Id: string;
  Name: string;
  Driver: string;
  Scope: string;
  Ingress?: boolean;
}

/** A network a service can join. */
export interface ServiceNetworkChoice {
  name: string;
  driver: string;
}

/**
 * The networks a service can join: swarm scope (overlay, or a local driver created with `--scope swarm`), without
 * the ingress network (the routing mesh attaches it for published ports; a service cannot name it). Sorted by name,
 * each name once: a Swarm agent's list repeats a network for every node that has it.
 */
export function serviceNetworkChoices(networks: readonly NetworkListItem[]): ServiceNetworkChoice[] {
  const byName = new Map<string, ServiceNetworkChoice>();
  for (const n of networks) {
    if (n.Scope !== 'swarm' || n.Ingress === true || n.Name === 'ingress') continue;
    if (!byName.has(n.Name)) byName.set(n.Name, { name: n.Name, driver: n.Driver });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The picked networks, with `change` applied (a box ticked or unticked), in the list's order; names no longer in
 * the list (removed since the last refresh) are dropped, so what is sent is what the dialog shows ticked.
 */
export function pickedNetworks(
  picked: readonly string[],
  choices: readonly ServiceNetworkChoice[],
  change?: { name: string; on: boolean },
): string[] {
  return choices.map((c) => c.name).filter((n) => (n === change?.name ? change.on : picked.includes(n)));
}

/** The spec with another replica count (replicated services only). */
export function scaledSpec(spec: ServiceSpec, replicas: number): ServiceSpec {
  if (!spec.Mode.Replicated) throw new Error('Only replicated services can be scaled');
  return { ...spec, Mode: { Replicated: { ...spec.Mode.Replicated, Replicas: replicas } } };
}

/** The spec with a new image and environment (a rolling update under the service's UpdateConfig). */
export function updatedSpec(spec: ServiceSpec, change: { image: string; env: EnvRow[] }): ServiceSpec {
  const env = change.env.filter((v) => v.key.trim() !== '').map((v) => `${v.key.trim()}=${v.value}`);
  return {
    ...spec,
    TaskTemplate: {
      ...spec.TaskTemplate,
      ContainerSpec: { ...spec.TaskTemplate.ContainerSpec, Image: change.image.trim(), Env: env },
    },
  };
}

export function envRows(env: readonly string[] | undefined): EnvRow[] {
  return (env ?? []).map((line) => {
    const i = line.indexOf('=');
    return i < 0 ? { key: line, value: '' } : { key: line.slice(0, i), value: line.slice(i + 1) };
  });
}

/** The node's spec with one change (availability, role or labels), for `POST /nodes/{id}/update?version=`. */
export function nodeSpecWith(spec: NodeSpec, change: Partial<NodeSpec>): NodeSpec {
  return { ...spec, ...change };
}

export function serviceMode(s: SwarmService): string {
  return s.Spec.Mode.Global ? 'global' : 'replicated';
}

/** "running / desired" for the list. */
export function replicasText(s: SwarmService, tasks?: readonly SwarmTask[]): string {
  if (s.ServiceStatus) return `${s.ServiceStatus.RunningTasks} / ${s.ServiceStatus.DesiredTasks}`;
  const mine = (tasks ?? []).filter((t) => t.ServiceID === s.ID);
  const running = mine.filter((t) => t.Status.State === 'running').length;
  const desired = s.Spec.Mode.Replicated?.Replicas ?? mine.filter((t) => t.DesiredState === 'running').length;
  return `${running} / ${desired}`;
}

export function portsText(ports: readonly PortConfig[] | undefined): string {
  return (ports ?? [])
    .map(
      (p) =>
        `${p.PublishedPort ?? '*'}:${p.TargetPort ?? '?'}/${p.Protocol ?? 'tcp'}${p.PublishMode === 'host' ? ' (host)' : ''}`,
    )
    .join(', ');
}

export function nodeName(n: SwarmNode | undefined): string {
  return n?.Description?.Hostname ?? n?.Spec.Name ?? n?.ID.slice(0, 12) ?? '';
}

/** Secret/config data is base64 in the API. */
export function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export const NODE_NAME_LABEL = 'Portainer.Agent.NodeName';

/**
 * An image reference cut after each "/" (where a narrow cell may wrap it: "capstan/" "busybox:local"), so a
 * table never breaks it mid-word; the digest is dropped as in the lists.
 */
export function imageParts(image: string): string[] {
  const ref = image.split('@')[0] ?? '';
  return ref.split(/(?<=\/)/).filter((p) => p !== '');
}

/** The filter box of the services list: name, image or mode, case-insensitive. */
export function serviceMatches(s: SwarmService, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [s.Spec.Name, s.Spec.TaskTemplate.ContainerSpec.Image.split('@')[0] ?? '', serviceMode(s)].some(
    (v) => v.toLowerCase().includes(q),
  );
}

/** "key=value" (or "key" for an empty value) of a node's labels. */
export function nodeLabels(n: SwarmNode): string[] {
  return Object.entries(n.Spec.Labels ?? {}).map(([k, v]) => (v ? `${k}=${v}` : k));
}

/** The filter box of the nodes list: name, role, availability, status, address or a label. */
export function nodeMatches(n: SwarmNode, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [
    nodeName(n),
    n.Spec.Role,
    n.Spec.Availability,
    n.Status?.State ?? '',
    n.Status?.Addr ?? '',
    ...nodeLabels(n),
  ].some((v) => v.toLowerCase().includes(q));
}
