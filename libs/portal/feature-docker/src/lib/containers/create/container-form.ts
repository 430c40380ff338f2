import type { OwnershipUpdate } from '@capstan/portal-data-access';

import {
  type ContainerInspect,
  type Ownership,
  joinCommand,
  ownershipOf,
  splitCommand,
} from '../../shared/docker-models';

export interface PortRow {
  host: string;
  container: string;
  protocol: 'tcp' | 'udp';
}

export interface VolumeRow {
  /** `volume`: a named volume; `bind`: a host path. */
  type: 'volume' | 'bind';
  source: string;
  target: string;
  readOnly: boolean;
}

export interface KeyValueRow {
  key: string;
  value: string;
}

export type RestartPolicy = 'no' | 'always' | 'unless-stopped' | 'on-failure';

/** Everything the create form edits; `toCreateRequest()` turns it into Docker's create body. */
export interface ContainerForm {
  name: string;
  image: string;
  pullIfMissing: boolean;
  command: string;
  entrypoint: string;
  workingDir: string;
  user: string;
  /** `-i -t`: keep stdin open and allocate a TTY (an interactive shell as main process). */
  interactive: boolean;
  ports: PortRow[];
  volumes: VolumeRow[];
  env: KeyValueRow[];
  labels: KeyValueRow[];
  restartPolicy: RestartPolicy;
  maxRetries: string;
  network: string;
  ipv4: string;
  /** CPUs, decimal ("1.5"); empty: unlimited. */
  cpus: string;
  /** MB; empty: unlimited. */
  memoryMb: string;
  /** Space or comma separated capability names. */
  capAdd: string;
  capDrop: string;
  privileged: boolean;
  startAfterCreate: boolean;
  ownership: Ownership;
  users: number[];
  teams: number[];
}

export function emptyForm(): ContainerForm {
  return {
    name: '',
    image: '',
    pullIfMissing: true,
    command: '',
    entrypoint: '',
    workingDir: '',
    user: '',
    interactive: false,
    ports: [],
    volumes: [],
    env: [],
    labels: [],
    restartPolicy: 'no',
    maxRetries: '',
    network: '',
    ipv4: '',
    cpus: '',
    memoryMb: '',
    capAdd: '',
    capDrop: '',
    privileged: false,
    startAfterCreate: true,
    ownership: 'private',
    users: [],
    teams: [],
  };
}

/** Docker's `POST /containers/create` body (the fields the form sets). */
export interface CreateContainerBody {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  Env: string[];
  Labels: Record<string, string>;
  Tty: boolean;
  OpenStdin: boolean;
  ExposedPorts: Record<string, Record<string, never>>;
  HostConfig: {
    PortBindings: Record<string, { HostPort: string }[]>;
    Binds: string[];
    RestartPolicy: { Name: string; MaximumRetryCount?: number };
    NetworkMode?: string;
    Privileged: boolean;
    CapAdd: string[];
    CapDrop: string[];
    Memory: number;
    NanoCpus: number;
  };
  NetworkingConfig?: { EndpointsConfig: Record<string, { IPAMConfig: { IPv4Address: string } }> };
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const ENV_KEY = /^[^=\s]+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export type FormErrors = Partial<Record<string, string>>;

/** Field → message for everything the engine would refuse or misread. Empty: valid. */
export function validateForm(form: ContainerForm): FormErrors {
  const errors: FormErrors = {};
  if (!form.image.trim()) errors['image'] = 'Enter an image, e.g. nginx:1.27 or registry:5000/app:tag.';
  else if (/\s/.test(form.image.trim())) errors['image'] = 'An image reference has no spaces.';
  if (form.name.trim() && !NAME.test(form.name.trim()))
    errors['name'] = 'Letters, digits, and _ . - (not first) only.';
  form.ports.forEach((p, i) => {
    if (!p.host.trim() && !p.container.trim()) return;
    if (!isPort(p.container)) errors[`port-${i}`] = 'Container port: 1–65535.';
    else if (p.host.trim() && !isPort(p.host))
      errors[`port-${i}`] = 'Host port: 1–65535, or empty for a random one.';
  });
  form.volumes.forEach((v, i) => {
    if (!v.source.trim() && !v.target.trim()) return;
    if (!v.target.startsWith('/')) errors[`volume-${i}`] = 'The container path must be absolute (/data).';
    else if (!v.source.trim())
      errors[`volume-${i}`] = v.type === 'bind' ? 'Enter the host path.' : 'Enter a volume name.';
    else if (v.type === 'bind' && !v.source.startsWith('/'))
      errors[`volume-${i}`] = 'A host path must be absolute.';
    else if (v.type === 'volume' && !NAME.test(v.source.trim()))
      errors[`volume-${i}`] = 'Invalid volume name.';
  });
  form.env.forEach((e, i) => {
    if (!e.key && !e.value) return;
    if (!ENV_KEY.test(e.key)) errors[`env-${i}`] = 'A variable name is needed, without spaces or "=".';
  });
  form.labels.forEach((l, i) => {
    if (!l.key && !l.value) return;
    if (!l.key.trim()) errors[`label-${i}`] = 'A label needs a name.';
  });
  if (form.restartPolicy === 'on-failure' && form.maxRetries.trim() && !/^\d+$/.test(form.maxRetries.trim()))
    errors['maxRetries'] = 'A whole number (0: no limit).';
  if (form.ipv4.trim()) {
    if (!IPV4.test(form.ipv4.trim())) errors['ipv4'] = 'An IPv4 address, e.g. 172.20.0.10.';
    else if (!form.network || ['bridge', 'host', 'none'].includes(form.network))
      errors['ipv4'] = 'A static IP needs a user-defined network.';
  }
  if (form.cpus.trim() && !(Number(form.cpus) > 0)) errors['cpus'] = 'A positive number of CPUs, e.g. 0.5.';
  if (form.memoryMb.trim() && !(Number(form.memoryMb) >= 6))
    errors['memoryMb'] = 'At least 6 MB (the engine refuses less).';
  if (form.ownership === 'restricted' && form.users.length + form.teams.length === 0)
    errors['ownership'] = 'Choose at least one user or team.';
  return errors;
}

function isPort(value: string): boolean {
  const n = Number(value.trim());
  return /^\d+$/.test(value.trim()) && n >= 1 && n <= 65535;
}

function caps(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
}

/** The engine's create body for a valid form. */
export function toCreateRequest(form: ContainerForm): CreateContainerBody {
  const cmd = splitCommand(form.command);
  const entrypoint = splitCommand(form.entrypoint);
  const exposed: CreateContainerBody['ExposedPorts'] = {};
  const bindings: CreateContainerBody['HostConfig']['PortBindings'] = {};
  for (const p of form.ports) {
    if (!p.container.trim()) continue;
    const key = `${p.container.trim()}/${p.protocol}`;
    exposed[key] = {};
    bindings[key] = [...(bindings[key] ?? []), { HostPort: p.host.trim() }];
  }
  const binds = form.volumes
    .filter((v) => v.source.trim() && v.target.trim())
    .map((v) => `${v.source.trim()}:${v.target.trim()}${v.readOnly ? ':ro' : ''}`);
  const labels: Record<string, string> = {};
  for (const l of form.labels) if (l.key.trim()) labels[l.key.trim()] = l.value;
  const network = form.network.trim();
  const body: CreateContainerBody = {
    Image: form.image.trim(),
    Env: form.env.filter((e) => e.key).map((e) => `${e.key}=${e.value}`),
    Labels: labels,
    Tty: form.interactive,
    OpenStdin: form.interactive,
    ExposedPorts: exposed,
    HostConfig: {
      PortBindings: bindings,
      Binds: binds,
      RestartPolicy:
        form.restartPolicy === 'on-failure'
          ? { Name: 'on-failure', MaximumRetryCount: Number(form.maxRetries.trim() || 0) }
          : { Name: form.restartPolicy },
      Privileged: form.privileged,
      CapAdd: caps(form.capAdd),
      CapDrop: caps(form.capDrop),
      Memory: form.memoryMb.trim() ? Math.round(Number(form.memoryMb) * 1024 * 1024) : 0,
      NanoCpus: form.cpus.trim() ? Math.round(Number(form.cpus) * 1e9) : 0,
    },
  };
  if (cmd.length) body.Cmd = cmd;
  if (entrypoint.length) body.Entrypoint = entrypoint;
  if (form.workingDir.trim()) body.WorkingDir = form.workingDir.trim();
  if (form.user.trim()) body.User = form.user.trim();
  if (network) body.HostConfig.NetworkMode = network;
  if (network && form.ipv4.trim())
    body.NetworkingConfig = {
      EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: form.ipv4.trim() } } },
    };
  return body;
}

/** `PUT /api/resource_controls/{id}` body for the chosen ownership. */
export function ownershipBody(form: ContainerForm, me: number | undefined): OwnershipUpdate {
  switch (form.ownership) {
    case 'public':
      return { Public: true, AdministratorsOnly: false, Users: [], Teams: [] };
    case 'administrators':
      return { Public: false, AdministratorsOnly: true, Users: [], Teams: [] };
    case 'private':
      return { Public: false, AdministratorsOnly: false, Users: me === undefined ? [] : [me], Teams: [] };
    case 'restricted':
      return {
        Public: false,
        AdministratorsOnly: false,
        Users: [...new Set(form.users)],
        Teams: [...new Set(form.teams)],
      };
  }
}

/** `.env` text → rows: `KEY=value`, `export KEY=value`, quotes stripped, comments and blank lines skipped. */
export function parseEnvFile(text: string): KeyValueRow[] {
  const rows: KeyValueRow[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (/^"(.*)"$/.test(value)) value = value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"');
    else if (/^'(.*)'$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    rows.push({ key: m[1], value });
  }
  return rows;
}

/** Merges rows by key (later wins), keeping the order of first appearance. */
export function mergeEnv(current: KeyValueRow[], added: KeyValueRow[]): KeyValueRow[] {
  const out = current.filter((r) => r.key || r.value).map((r) => ({ ...r }));
  for (const row of added) {
    const existing = out.find((r) => r.key === row.key);
    if (existing) existing.value = row.value;
    else out.push({ ...row });
  }
  return out;
}

/** Labels the engine or Capstan set, not the user: left out of a duplicate. */
const SYSTEM_LABEL = /^(com\.docker\.compose\.|io\.portainer\.|com\.docker\.swarm\.|org\.opencontainers\.)/;

/** The form for a duplicate (or edit-recreate) of an existing container. */
export function formFromInspect(
  c: ContainerInspect,
  imageDefaults?: {
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    Env?: string[] | null;
    Labels?: Record<string, string> | null;
  },
): ContainerForm {
  const form = emptyForm();
  form.name = c.Name.replace(/^\//, '');
  form.image = c.Config.Image;
  form.pullIfMissing = false;
  // The inspect merges the image's defaults in: only keep what differs, so a new image version's defaults apply.
  const same = (a: string[] | null | undefined, b: string[] | null | undefined) =>
    JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  if (!imageDefaults || !same(c.Config.Cmd, imageDefaults.Cmd)) form.command = joinCommand(c.Config.Cmd);
  if (!imageDefaults || !same(c.Config.Entrypoint, imageDefaults.Entrypoint))
    form.entrypoint = joinCommand(c.Config.Entrypoint);
  form.workingDir = c.Config.WorkingDir ?? '';
  form.user = c.Config.User ?? '';
  form.interactive = c.Config.Tty && c.Config.OpenStdin;
  const imageEnv = new Set(imageDefaults?.Env ?? []);
  form.env = (c.Config.Env ?? [])
    .filter((e) => !imageEnv.has(e))
    .map((e) => {
      const i = e.indexOf('=');
      return i < 0 ? { key: e, value: '' } : { key: e.slice(0, i), value: e.slice(i + 1) };
    });
  const imageLabels = imageDefaults?.Labels ?? {};
  form.labels = Object.entries(c.Config.Labels ?? {})
    .filter(([k, v]) => !SYSTEM_LABEL.test(k) && imageLabels[k] !== v)
    .map(([key, value]) => ({ key, value }));
  for (const [key, bindings] of Object.entries(c.HostConfig.PortBindings ?? {})) {
    const [port, proto] = key.split('/');
    for (const b of bindings ?? [])
      form.ports.push({ host: b.HostPort ?? '', container: port, protocol: proto === 'udp' ? 'udp' : 'tcp' });
  }
  for (const bind of c.HostConfig.Binds ?? []) {
    const [source, target, mode] = bind.split(':');
    form.volumes.push({
      type: source.startsWith('/') ? 'bind' : 'volume',
      source,
      target: target ?? '',
      readOnly: mode === 'ro',
    });
  }
  for (const m of c.HostConfig.Mounts ?? []) {
    if (m.Type !== 'bind' && m.Type !== 'volume') continue;
    form.volumes.push({ type: m.Type, source: m.Source, target: m.Target, readOnly: !!m.ReadOnly });
  }
  const policy = c.HostConfig.RestartPolicy?.Name;
  form.restartPolicy =
    policy === 'always' || policy === 'unless-stopped' || policy === 'on-failure' ? policy : 'no';
  form.maxRetries = policy === 'on-failure' ? String(c.HostConfig.RestartPolicy.MaximumRetryCount ?? 0) : '';
  const mode = c.HostConfig.NetworkMode;
  form.network = mode && mode !== 'default' ? mode : '';
  form.ipv4 = c.NetworkSettings.Networks?.[form.network]?.IPAMConfig?.IPv4Address ?? '';
  form.cpus = c.HostConfig.NanoCpus ? String(c.HostConfig.NanoCpus / 1e9) : '';
  form.memoryMb = c.HostConfig.Memory ? String(Math.round(c.HostConfig.Memory / (1024 * 1024))) : '';
  form.capAdd = (c.HostConfig.CapAdd ?? []).join(' ');
  form.capDrop = (c.HostConfig.CapDrop ?? []).join(' ');
  form.privileged = c.HostConfig.Privileged;
  const owner = ownershipOf(c);
  form.ownership = owner === 'none' ? 'private' : owner;
  const rc = c.Portainer?.ResourceControl;
  if (owner === 'restricted' && rc) {
    form.users = rc.UserAccesses.map((u) => u.UserId);
    form.teams = rc.TeamAccesses.map((t) => t.TeamId);
  }
  return form;
}

/** `nginx` → `{fromImage: 'nginx', tag: 'latest'}`; keeps registry ports and digests. */
export function imagePullQuery(image: string): { fromImage: string; tag?: string } {
  const ref = image.trim();
  if (ref.includes('@')) return { fromImage: ref };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { fromImage: ref, tag: 'latest' };
}
