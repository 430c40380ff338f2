/**
 * Drift: where what runs differs from the stack's file. Pure comparison of compose's resolved model
 * (`docker compose config --format json`) with what the engine reports — the IO is the service's.
 */

/** One difference between the file and the engine. */
export interface DriftItem {
  Service: string;
  /** missing: nothing runs; replicas: running count; image; ports: published ports; env: variables; extra: not in the file. */
  Field: 'missing' | 'replicas' | 'image' | 'ports' | 'env' | 'extra';
  Expected: string;
  Actual: string;
  /** The container (compose) or service (Swarm) the difference was seen on. */
  Resource?: string;
}

/** A service of compose's model, as far as drift looks at it. */
export interface ModelService {
  image?: string;
  environment?: Record<string, string | null>;
  ports?: { target?: number; published?: string | number; protocol?: string }[];
  deploy?: { replicas?: number; mode?: string } | null;
  scale?: number;
}

/** What the engine runs for one compose container or one Swarm service. */
export interface RunningUnit {
  /** Container name or service name. */
  name: string;
  service: string;
  image: string;
  running: boolean;
  /** `8080:80/tcp` */
  ports: string[];
  /** `KEY=value` */
  env: string[];
  /** Swarm: desired replicas and running tasks. */
  replicas?: { desired: number; running: number };
}

/** `nginx` → `docker.io/library/nginx:latest`; digests dropped: the reference as Docker resolves the name. */
export function normaliseImage(ref: string): string {
  let r = ref.replace(/@sha256:[0-9a-f]+$/, '');
  const slash = r.indexOf('/');
  const first = slash < 0 ? '' : r.slice(0, slash);
  if (slash < 0) r = `docker.io/library/${r}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') r = `docker.io/${r}`;
  const lastSlash = r.lastIndexOf('/');
  if (!r.slice(lastSlash + 1).includes(':')) r = `${r}:latest`;
  return r;
}

export function expectedPorts(s: ModelService): string[] {
  return (s.ports ?? [])
    .filter((p) => p.published !== undefined && p.published !== '' && p.target !== undefined)
    .map((p) => `${String(p.published)}:${String(p.target)}/${p.protocol ?? 'tcp'}`)
    .sort();
}

export function expectedReplicas(s: ModelService): number {
  if (s.deploy?.mode === 'global') return -1;
  return s.deploy?.replicas ?? s.scale ?? 1;
}

/** Compose: containers per service against the model. */
export function composeDrift(
  model: Record<string, ModelService>,
  units: readonly RunningUnit[],
): DriftItem[] {
  const out: DriftItem[] = [];
  for (const [service, spec] of Object.entries(model).sort((a, b) => a[0].localeCompare(b[0]))) {
    const mine = units.filter((u) => u.service === service);
    const replicas = expectedReplicas(spec);
    const running = mine.filter((u) => u.running).length;
    if (mine.length === 0 && replicas !== 0) {
      out.push({
        Service: service,
        Field: 'missing',
        Expected: `${replicas} running`,
        Actual: 'no container',
      });
      continue;
    }
    if (replicas >= 0 && running !== replicas)
      out.push({
        Service: service,
        Field: 'replicas',
        Expected: `${replicas} running`,
        Actual: `${running} running of ${mine.length}`,
      });
    for (const u of mine) out.push(...unitDrift(service, spec, u));
  }
  for (const u of units)
    if (!(u.service in model))
      out.push({
        Service: u.service,
        Field: 'extra',
        Expected: 'not in the file',
        Actual: 'runs',
        Resource: u.name,
      });
  return out;
}

/** Swarm: each service's spec and running tasks against the model (`<stack>_<service>`). */
export function swarmDrift(
  stack: string,
  model: Record<string, ModelService>,
  units: readonly RunningUnit[],
): DriftItem[] {
  const out: DriftItem[] = [];
  const prefix = `${stack}_`;
  for (const [service, spec] of Object.entries(model).sort((a, b) => a[0].localeCompare(b[0]))) {
    const u = units.find((x) => x.name === `${prefix}${service}`);
    if (!u) {
      out.push({ Service: service, Field: 'missing', Expected: 'a Swarm service', Actual: 'none' });
      continue;
    }
    const replicas = expectedReplicas(spec);
    if (u.replicas && replicas >= 0 && (u.replicas.desired !== replicas || u.replicas.running !== replicas))
      out.push({
        Service: service,
        Field: 'replicas',
        Expected: `${replicas} running`,
        Actual: `${u.replicas.running} running, ${u.replicas.desired} desired`,
        Resource: u.name,
      });
    out.push(...unitDrift(service, spec, u));
  }
  for (const u of units) {
    const service = u.name.startsWith(prefix) ? u.name.slice(prefix.length) : u.name;
    if (!(service in model))
      out.push({
        Service: service,
        Field: 'extra',
        Expected: 'not in the file',
        Actual: 'runs',
        Resource: u.name,
      });
  }
  return out;
}

/** Image, published ports and the file's variables of one container or service. Values are not shown. */
function unitDrift(service: string, spec: ModelService, u: RunningUnit): DriftItem[] {
  const out: DriftItem[] = [];
  if (spec.image && normaliseImage(spec.image) !== normaliseImage(u.image))
    out.push({ Service: service, Field: 'image', Expected: spec.image, Actual: u.image, Resource: u.name });
  const want = expectedPorts(spec);
  const have = [...u.ports].sort();
  if (want.join(',') !== have.join(','))
    out.push({
      Service: service,
      Field: 'ports',
      Expected: want.join(', ') || 'none',
      Actual: have.join(', ') || 'none',
      Resource: u.name,
    });
  const env = new Map(
    u.env.map((e) => {
      const i = e.indexOf('=');
      return i < 0 ? [e, ''] : [e.slice(0, i), e.slice(i + 1)];
    }),
  );
  const changed: string[] = [];
  for (const [k, v] of Object.entries(spec.environment ?? {})) {
    if (v === null) continue;
    if (env.get(k) !== v) changed.push(k);
  }
  if (changed.length)
    out.push({
      Service: service,
      Field: 'env',
      Expected: `the file's value of ${changed.join(', ')}`,
      Actual: 'a different value or unset',
      Resource: u.name,
    });
  return out;
}
