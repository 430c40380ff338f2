import { shortDockerId } from '@capstan/contracts-api';

/**
 * What an activity-log entry says happened, in words ("stopped container web", "changed ownership of container
 * 3f2a1b9c0d12"), derived from the route, its query and body when the entry is recorded. The request itself
 * (method, path, payload) stays in the entry as the detail. A route not listed here gets no description (the
 * portal then shows the request).
 */

export interface ActivityRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** What the handler said it acted on ("container web"), when it knew more than the route. */
  readonly target?: string;
}

type Describe = (m: RegExpExecArray, r: ActivityRequest) => string;

/** A Docker id shortened as the docker CLI does; names are kept. */
function ref(value: string | undefined): string {
  const v = decodeURIComponent(value ?? '');
  return shortDockerId(v);
}

/** A field of the body, matched case-insensitively (clients send `Name` or `name`). */
function field(body: unknown, ...names: string[]): string {
  if (!body || typeof body !== 'object') return '';
  const entries = Object.entries(body as Record<string, unknown>);
  for (const name of names) {
    const hit = entries.find(([k]) => k.toLowerCase() === name.toLowerCase());
    if (hit && (typeof hit[1] === 'string' || typeof hit[1] === 'number')) return String(hit[1]);
  }
  return '';
}

const named = (kind: string, name: string) => (name ? `${kind} ${name}` : kind);

const CONTAINER_VERBS: Record<string, string> = {
  start: 'started',
  stop: 'stopped',
  restart: 'restarted',
  kill: 'killed',
  pause: 'paused',
  unpause: 'resumed',
  rename: 'renamed',
  update: 'updated',
  exec: 'opened a console in',
  attach: 'attached to',
  resize: 'resized the terminal of',
};

const DOCKER = String.raw`^/api/endpoints/\d+/docker`;

/** Routes in the order tried; the first that matches the method and path describes the entry. */
const ROUTES: readonly [method: string, path: RegExp, describe: Describe][] = [
  // Docker engine, through the proxy
  [
    'POST',
    new RegExp(`${DOCKER}/containers/create$`),
    (_, r) => named('created container', r.query.get('name') ?? ''),
  ],
  [
    'POST',
    new RegExp(
      `${DOCKER}/containers/([^/]+)/(start|stop|restart|kill|pause|unpause|rename|update|exec|attach|resize)$`,
    ),
    (m, r) =>
      m[2] === 'rename'
        ? `renamed container ${ref(m[1])} to ${r.query.get('name') ?? ''}`.trim()
        : `${CONTAINER_VERBS[m[2]]} container ${ref(m[1])}`,
  ],
  ['DELETE', new RegExp(`${DOCKER}/containers/([^/]+)$`), (m) => `removed container ${ref(m[1])}`],
  ['POST', /^\/api\/docker\/\d+\/containers\/([^/]+)\/recreate$/, (m) => `recreated container ${ref(m[1])}`],
  ['POST', new RegExp(`${DOCKER}/containers/prune$`), () => 'pruned stopped containers'],
  [
    'POST',
    new RegExp(`${DOCKER}/images/create$`),
    (_, r) => {
      const image = r.query.get('fromImage') ?? r.query.get('fromSrc') ?? '';
      const tag = r.query.get('tag');
      return r.query.has('fromSrc') ? 'imported an image' : `pulled image ${image}${tag ? `:${tag}` : ''}`;
    },
  ],
  ['POST', new RegExp(`${DOCKER}/images/load$`), () => 'imported images'],
  [
    'POST',
    new RegExp(`${DOCKER}/images/(.+)/tag$`),
    (m, r) =>
      `tagged image ${ref(m[1])} as ${r.query.get('repo') ?? ''}${r.query.get('tag') ? `:${r.query.get('tag')}` : ''}`,
  ],
  ['POST', new RegExp(`${DOCKER}/images/(.+)/push$`), (m) => `pushed image ${ref(m[1])}`],
  ['DELETE', new RegExp(`${DOCKER}/images/(.+)$`), (m) => `removed image ${ref(m[1])}`],
  ['POST', new RegExp(`${DOCKER}/images/prune$`), () => 'pruned unused images'],
  ['POST', new RegExp(`${DOCKER}/build$`), (_, r) => named('built image', r.query.get('t') ?? '')],
  [
    'POST',
    new RegExp(`${DOCKER}/commit$`),
    (_, r) => `committed container ${ref(r.query.get('container') ?? '')}`,
  ],
  ['POST', new RegExp(`${DOCKER}/volumes/create$`), (_, r) => named('created volume', field(r.body, 'Name'))],
  ['DELETE', new RegExp(`${DOCKER}/volumes/([^/]+)$`), (m) => `removed volume ${ref(m[1])}`],
  ['POST', new RegExp(`${DOCKER}/volumes/prune$`), () => 'pruned unused volumes'],
  [
    'POST',
    new RegExp(`${DOCKER}/networks/create$`),
    (_, r) => named('created network', field(r.body, 'Name')),
  ],
  [
    'POST',
    new RegExp(`${DOCKER}/networks/([^/]+)/connect$`),
    (m, r) => `connected container ${ref(field(r.body, 'Container'))} to network ${ref(m[1])}`,
  ],
  [
    'POST',
    new RegExp(`${DOCKER}/networks/([^/]+)/disconnect$`),
    (m, r) => `disconnected container ${ref(field(r.body, 'Container'))} from network ${ref(m[1])}`,
  ],
  ['DELETE', new RegExp(`${DOCKER}/networks/([^/]+)$`), (m) => `removed network ${ref(m[1])}`],
  [
    'POST',
    new RegExp(`${DOCKER}/services/create$`),
    (_, r) => named('created service', field(r.body, 'Name')),
  ],
  [
    'POST',
    new RegExp(`${DOCKER}/services/([^/]+)/update$`),
    (m, r) => `updated service ${field(r.body, 'Name') || ref(m[1])}`,
  ],
  ['DELETE', new RegExp(`${DOCKER}/services/([^/]+)$`), (m) => `removed service ${ref(m[1])}`],
  [
    'POST',
    new RegExp(`${DOCKER}/(config|secret)s/create$`),
    (m, r) => named(`created ${m[1]}`, field(r.body, 'Name')),
  ],
  ['DELETE', new RegExp(`${DOCKER}/(config|secret)s/([^/]+)$`), (m) => `removed ${m[1]} ${ref(m[2])}`],
  ['POST', new RegExp(`${DOCKER}/nodes/([^/]+)/update$`), (m) => `updated node ${ref(m[1])}`],
  ['DELETE', new RegExp(`${DOCKER}/nodes/([^/]+)$`), (m) => `removed node ${ref(m[1])}`],
  // Capstan's own API
  ['POST', /^\/api\/endpoints\/?$/, (_, r) => named('added environment', field(r.body, 'Name'))],
  ['POST', /^\/api\/endpoints\/snapshot$/, () => 'refreshed the snapshots of every environment'],
  ['POST', /^\/api\/endpoints\/(\d+)\/snapshot$/, (m) => `refreshed the snapshot of environment ${m[1]}`],
  ['PUT', /^\/api\/endpoints\/(\d+)$/, (m, r) => `updated environment ${field(r.body, 'Name') || m[1]}`],
  ['DELETE', /^\/api\/endpoints\/(\d+)$/, (m) => `removed environment ${m[1]}`],
  ['POST', /^\/api\/endpoints\/delete$/, () => 'removed environments'],
  ['POST', /^\/api\/endpoints\/(\d+)\/edge\/trust$/, (m) => `trusted edge environment ${m[1]}`],
  ['POST', /^\/api\/endpoints\/edge\/trust$/, () => 'trusted edge environments'],
  // Edge jobs
  [
    'POST',
    /^\/api\/edge_jobs(\/create\/(string|file))?\/?$/,
    (_, r) => named('created edge job', field(r.body, 'Name')),
  ],
  ['PUT', /^\/api\/edge_jobs\/(\d+)$/, (m) => `updated edge job ${m[1]}`],
  ['DELETE', /^\/api\/edge_jobs\/(\d+)$/, (m) => `removed edge job ${m[1]}`],
  [
    'POST',
    /^\/api\/edge_jobs\/(\d+)\/tasks\/([^/]+)\/logs$/,
    (m) => `asked for the log of edge job ${m[1]} on environment ${decodeURIComponent(m[2] ?? '')}`,
  ],
  [
    'DELETE',
    /^\/api\/edge_jobs\/(\d+)\/tasks\/([^/]+)\/logs$/,
    (m) => `cleared the log of edge job ${m[1]} on environment ${decodeURIComponent(m[2] ?? '')}`,
  ],
  [
    'POST',
    /^\/api\/endpoints\/(\d+)\/edge\/jobs\/(\d+)\/logs$/,
    (m) => `edge agent of environment ${m[1]} sent the log of edge job ${m[2]}`,
  ],
  [
    'POST',
    /^\/api\/endpoint_groups\/?$/,
    (_, r) => named('created environment group', field(r.body, 'Name')),
  ],
  [
    'PUT',
    /^\/api\/endpoint_groups\/(\d+)$/,
    (m, r) => `updated environment group ${field(r.body, 'Name') || m[1]}`,
  ],
  ['DELETE', /^\/api\/endpoint_groups\/(\d+)$/, (m) => `removed environment group ${m[1]}`],
  ['POST', /^\/api\/tags\/?$/, (_, r) => named('created tag', field(r.body, 'Name'))],
  ['DELETE', /^\/api\/tags\/(\d+)$/, (m) => `removed tag ${m[1]}`],
  ['POST', /^\/api\/users\/?$/, (_, r) => named('created user', field(r.body, 'Username'))],
  [
    'POST',
    /^\/api\/users\/admin\/init$/,
    (_, r) => named('created the administrator', field(r.body, 'Username')),
  ],
  ['PUT', /^\/api\/users\/(\d+)\/passwd$/, (m) => `changed the password of user ${m[1]}`],
  ['PUT', /^\/api\/users\/(\d+)$/, (m, r) => `updated user ${field(r.body, 'Username') || m[1]}`],
  ['DELETE', /^\/api\/users\/(\d+)$/, (m) => `deleted user ${m[1]}`],
  ['POST', /^\/api\/users\/(\d+)\/tokens$/, (_, r) => named('created API key', field(r.body, 'Description'))],
  ['DELETE', /^\/api\/users\/(\d+)\/tokens\/(\d+)$/, (m) => `revoked API key ${m[2]}`],
  ['POST', /^\/api\/users\/(\d+)\/totp$/, (m) => `started two-factor enrolment of user ${m[1]}`],
  ['POST', /^\/api\/users\/(\d+)\/totp\/confirm$/, (m) => `turned on two-factor sign-in of user ${m[1]}`],
  ['POST', /^\/api\/users\/(\d+)\/totp\/disable$/, (m) => `turned off two-factor sign-in of user ${m[1]}`],
  ['DELETE', /^\/api\/users\/(\d+)\/totp$/, (m) => `reset the second factor of user ${m[1]}`],
  ['POST', /^\/api\/teams\/?$/, (_, r) => named('created team', field(r.body, 'Name'))],
  ['PUT', /^\/api\/teams\/(\d+)$/, (m, r) => `updated team ${field(r.body, 'Name') || m[1]}`],
  ['DELETE', /^\/api\/teams\/(\d+)$/, (m) => `deleted team ${m[1]}`],
  ['PUT', /^\/api\/teams\/(\d+)\/link$/, (m, r) => `linked team ${m[1]} to group ${field(r.body, 'Group')}`],
  ['DELETE', /^\/api\/teams\/(\d+)\/link$/, (m) => `unlinked team ${m[1]} from its group`],
  [
    'POST',
    /^\/api\/team_memberships\/?$/,
    (_, r) => `added user ${field(r.body, 'UserID')} to team ${field(r.body, 'TeamID')}`,
  ],
  ['PUT', /^\/api\/team_memberships\/(\d+)$/, (m) => `changed team membership ${m[1]}`],
  ['DELETE', /^\/api\/team_memberships\/(\d+)$/, (m) => `removed team membership ${m[1]}`],
  ['POST', /^\/api\/resource_controls\/?$/, (_, r) => `set ownership of ${r.target ?? 'a resource'}`],
  [
    'PUT',
    /^\/api\/resource_controls\/(\d+)$/,
    (m, r) => `changed ownership of ${r.target ?? `resource control ${m[1]}`}`,
  ],
  [
    'DELETE',
    /^\/api\/resource_controls\/(\d+)$/,
    (m, r) => `removed the ownership of ${r.target ?? `resource control ${m[1]}`}`,
  ],
  [
    'PUT',
    /^\/api\/endpoints\/(\d+)\/settings$/,
    (m) => `changed the security settings of environment ${m[1]}`,
  ],
  [
    'PUT',
    /^\/api\/endpoint_groups\/(\d+)\/endpoints\/(\d+)$/,
    (m) => `added environment ${m[2]} to group ${m[1]}`,
  ],
  [
    'DELETE',
    /^\/api\/endpoint_groups\/(\d+)\/endpoints\/(\d+)$/,
    (m) => `removed environment ${m[2]} from group ${m[1]}`,
  ],
  ['PUT', /^\/api\/settings\/?$/, () => 'changed settings'],
  ['POST', /^\/api\/upload\/tls\/(ca|cert|key)$/, (m) => `uploaded the LDAP TLS ${m[1]} file`],
  ['POST', /^\/api\/registries\/?$/, (_, r) => named('added registry', field(r.body, 'Name'))],
  ['POST', /^\/api\/registries\/ping$/, () => 'tested a registry connection'],
  ['POST', /^\/api\/registries\/(\d+)\/ping$/, (m) => `tested the connection of registry ${m[1]}`],
  ['PUT', /^\/api\/registries\/(\d+)$/, (m) => `changed registry ${m[1]}`],
  ['DELETE', /^\/api\/registries\/(\d+)$/, (m) => `removed registry ${m[1]}`],
  [
    'PUT',
    /^\/api\/endpoints\/(\d+)\/registries\/(\d+)$/,
    (m) => `changed who may use registry ${m[2]} on environment ${m[1]}`,
  ],
  // Edge compute: groups and stacks
  ['POST', /^\/api\/edge_groups\/?$/, (_, r) => named('added edge group', field(r.body, 'Name'))],
  ['PUT', /^\/api\/edge_groups\/(\d+)$/, (m) => `changed edge group ${m[1]}`],
  ['DELETE', /^\/api\/edge_groups\/(\d+)$/, (m) => `removed edge group ${m[1]}`],
  [
    'POST',
    /^\/api\/edge_stacks\/create\/(string|file|repository)$/,
    (_, r) => named('added edge stack', field(r.body, 'Name')),
  ],
  ['PUT', /^\/api\/edge_stacks\/(\d+)$/, (m) => `updated edge stack ${m[1]}`],
  ['DELETE', /^\/api\/edge_stacks\/(\d+)$/, (m) => `removed edge stack ${m[1]}`],
  [
    'PUT',
    /^\/api\/edge_stacks\/(\d+)\/status$/,
    (m) => `edge agent reported the status of edge stack ${m[1]}`,
  ],
  ['POST', /^\/api\/webhooks\/?$/, () => 'created a webhook'],
  [
    'POST',
    /^\/api\/gitops\/repo\/file\/preview$/,
    (_, r) => named('previewed a git file', field(r.body, 'targetFile')),
  ],
  ['DELETE', /^\/api\/webhooks\/(\d+)$/, (m) => `removed webhook ${m[1]}`],
  ['POST', /^\/api\/webhooks\/[^/]+$/, () => 'triggered a service webhook'],
  [
    'POST',
    /^\/api\/custom_templates\/create\/(string|file|repository)$/,
    (_, r) => (r.target ? `created ${r.target}` : named('created custom template', field(r.body, 'Title'))),
  ],
  [
    'PUT',
    /^\/api\/custom_templates\/(\d+)\/git_fetch$/,
    (m, r) => `fetched ${r.target ?? `custom template ${m[1]}`} from git`,
  ],
  ['POST', /^\/api\/templates\/(\d+)\/file$/, (m) => `read the file of app template ${m[1]}`],
  ['POST', /^\/api\/templates\/file$/, () => 'read a template file from git'],
  ['PUT', /^\/api\/custom_templates\/(\d+)$/, (m, r) => `updated ${r.target ?? `custom template ${m[1]}`}`],
  [
    'DELETE',
    /^\/api\/custom_templates\/(\d+)$/,
    (m, r) => `deleted ${r.target ?? `custom template ${m[1]}`}`,
  ],
  [
    'POST',
    /^\/api\/stacks\/create\/(standalone|swarm)\/[a-z]+$/,
    (m, r) => named(m[1] === 'swarm' ? 'deployed Swarm stack' : 'deployed stack', field(r.body, 'Name')),
  ],
  ['POST', /^\/api\/stacks\/?$/, (_, r) => named('deployed stack', field(r.body, 'Name'))],
  ['POST', /^\/api\/stacks\/adopt$/, (_, r) => named('adopted stack', field(r.body, 'Name'))],
  ['PUT', /^\/api\/stacks\/(\d+)$/, (m) => `updated stack ${m[1]}`],
  [
    'POST',
    /^\/api\/stacks\/(\d+)\/(start|stop)$/,
    (m) => `${m[2] === 'start' ? 'started' : 'stopped'} stack ${m[1]}`,
  ],
  ['POST', /^\/api\/stacks\/(\d+)\/migrate$/, (m) => `migrated stack ${m[1]}`],
  ['PUT', /^\/api\/stacks\/(\d+)\/associate$/, (m) => `associated orphaned stack ${m[1]}`],
  ['POST', /^\/api\/stacks\/(\d+)\/git$/, (m) => `changed the git settings of stack ${m[1]}`],
  ['PUT', /^\/api\/stacks\/(\d+)\/git\/redeploy$/, (m) => `pulled and redeployed stack ${m[1]}`],
  ['POST', /^\/api\/stacks\/(\d+)\/drift\/reapply$/, (m) => `reapplied the file of stack ${m[1]}`],
  ['POST', /^\/api\/stacks\/webhooks\/[^/]+$/, () => 'triggered a stack webhook'],
  ['POST', /^\/api\/stacks\/git\/check$/, () => 'ran a git auto-update pass'],
  [
    'DELETE',
    /^\/api\/stacks\/([^/]+)$/,
    (m, r) =>
      `removed ${r.query.get('external') === 'true' ? 'external ' : ''}stack ${decodeURIComponent(m[1] ?? '')}`,
  ],
  // WebSocket consoles (recorded by the entry pipeline; the body is the validated query)
  ['GET', /^\/api\/websocket\/exec$/, (_, r) => named('opened a console on exec', ref(field(r.body, 'id')))],
  ['GET', /^\/api\/websocket\/attach$/, (_, r) => named('attached to container', ref(field(r.body, 'id')))],
];

/** The description for one request, or '' when no route describes it. At most 512 characters. */
export function describeActivity(request: ActivityRequest): string {
  for (const [method, path, describe] of ROUTES) {
    if (method !== request.method) continue;
    const m = path.exec(request.path);
    if (m) return describe(m, request).slice(0, 512);
  }
  return '';
}
