// Git stacks after creation (webhook, auto-update, redeploy, settings), registries in deploys, drift and version
// diffs — with a real `git http-backend` on loopback (libs/testing GitHttpServer), the real docker compose on dockerd
// and the htpasswd registry of tools/setup/registry.sh.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHttpServer, gitHttpBackendPath } from '@capstan/testing';
import {
  addSocketEnvironment,
  createUser,
  expectApiError,
  testRegistry,
  uniqueName,
  withAdminServer,
} from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const PLUGIN = '/usr/local/lib/docker/cli-plugins/docker-compose';
const ready = existsSync(SOCKET) && existsSync(PLUGIN) && gitHttpBackendPath() !== undefined;
if (!ready && process.env['CI'] === 'true')
  throw new Error('stacks-gitops.e2e needs dockerd, docker compose and git http-backend (tools/setup)');
if (!ready)
  console.warn('stacks-gitops.e2e: skipped — dockerd, the compose plugin or git http-backend missing');

const docker = (...args: string[]) =>
  execFileSync('docker', ['-H', `unix://${SOCKET}`, ...args], { encoding: 'utf8' }).trim();

/** The compose file of the test repository: a label and a variable from an env file next to it (relative path). */
const compose = (rev: string) =>
  'services:\n  app:\n    image: capstan/busybox:local\n    command: ["sleep", "3600"]\n' +
  `    stop_grace_period: 1s\n    env_file: ./app.env\n    labels:\n      rev: "${rev}"\n`;
const override = 'services:\n  app:\n    environment:\n      FROM_OVERRIDE: "yes"\n';

interface Running {
  id: string;
  rev: string;
  env: string[];
}

function running(project: string): Running[] {
  const ids = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${project}`)
    .split('\n')
    .filter(Boolean);
  return ids.map((id) => {
    const i = JSON.parse(docker('inspect', id))[0] as {
      Id: string;
      Config: { Env: string[]; Labels: Record<string, string> };
    };
    return { id: i.Id, rev: i.Config.Labels['rev'] ?? '', env: i.Config.Env };
  });
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.runIf(ready)('git stacks: webhook, auto-update, redeploy, settings', () => {
  const env = withAdminServer();
  const creds = { username: 'deploy', password: 'gitops-secret-token-7' };
  let git: GitHttpServer;
  let envId = 0;
  const projects: string[] = [];
  const answers: string[] = [];

  beforeAll(async () => {
    git = await GitHttpServer.start({ auth: creds });
    git.createRepo('ops', {
      'stack/compose.yml': compose('one'),
      'stack/override.yml': override,
      'stack/app.env': 'GREETING=first\n',
    });
    envId = await addSocketEnvironment(env.server, env.admin);
  });
  afterAll(async () => {
    for (const p of projects) {
      try {
        docker('compose', '-p', p, 'down');
      } catch {
        /* gone */
      }
    }
    await git?.stop();
  });

  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
    const r = await env.server.request<T>(method, path, {
      token: env.admin,
      ...(body === undefined ? {} : { body }),
    });
    answers.push(r.text);
    return r;
  };
  const hook = (uuid: string) =>
    fetch(`${env.server.baseUrl}/api/stacks/webhooks/${uuid}`, { method: 'POST' });
  const gitConfig = async (id: number) =>
    (await call<{ GitConfig: { ConfigHash: string; ReferenceName: string } }>('GET', `/api/stacks/${id}`))
      .body.GitConfig;

  let stackId = 0;
  let name = '';
  const webhook = randomUUID();

  it('creates from the repository with AdditionalFiles, AutoUpdate and credentials; deploys from the checkout', async () => {
    name = uniqueName('gops').toLowerCase();
    projects.push(name);
    const r = await call('POST', `/api/stacks/create/standalone/repository?endpointId=${envId}`, {
      name,
      repositoryURL: git.url('ops'),
      repositoryReferenceName: 'refs/heads/main',
      composeFile: 'stack/compose.yml',
      additionalFiles: ['stack/override.yml'],
      repositoryAuthentication: true,
      repositoryUsername: creds.username,
      repositoryPassword: creds.password,
      autoUpdate: { webhook, forceUpdate: false },
    });
    expect(r.status, r.text).toBe(200);
    stackId = r.body['Id'] as number;
    expect(r.body['AdditionalFiles']).toEqual(['stack/override.yml']);
    expect(r.body['AutoUpdate']).toMatchObject({ Webhook: webhook, Interval: '', ForceUpdate: false });
    const [c] = running(name);
    expect(c?.rev).toBe('one');
    // env_file resolved relative to the checkout; the additional file merged.
    expect(c?.env).toContain('GREETING=first');
    expect(c?.env).toContain('FROM_OVERRIDE=yes');
  });

  it('webhook: a pushed commit is redeployed, an unchanged one is not; unknown 404, malformed 400', async () => {
    const next = git.commit('ops', {
      'stack/compose.yml': compose('two'),
      'stack/app.env': 'GREETING=second\n',
    });
    const before = running(name)[0];
    const r = await hook(webhook);
    expect(r.status, await r.text()).toBe(204);
    const [c] = running(name);
    expect(c?.rev).toBe('two');
    expect(c?.env).toContain('GREETING=second');
    expect(c?.id).not.toBe(before?.id);
    expect((await gitConfig(stackId)).ConfigHash).toBe(next);
    // Nothing new: the container stays.
    expect((await hook(webhook)).status).toBe(204);
    expect(running(name)[0]?.id).toBe(c?.id);
    expect((await hook(randomUUID())).status).toBe(404);
    expect((await hook('not-a-uuid')).status).toBe(400);
    // Versions keep every file; the diff of 1 → 2 shows the change.
    const diff = await call<{ Diff: string }>('GET', `/api/stacks/${stackId}/versions/diff?from=1&to=2`);
    expect(diff.status, diff.text).toBe(200);
    expect(diff.body.Diff).toMatch(/-\s+rev: "one"/);
    expect(diff.body.Diff).toMatch(/\+\s+rev: "two"/);
    expectApiError(await call('GET', `/api/stacks/${stackId}/versions/diff?from=1&to=99`), 404);
    expectApiError(await call('GET', `/api/stacks/${stackId}/versions/diff?from=x&to=2`), 400);
  });

  it('git/redeploy with another reference (a tag) deploys it and stores the reference', async () => {
    git.commit('ops', { 'stack/compose.yml': compose('tagged') });
    const tagCommit = git.tag('ops', 'v1');
    git.commit('ops', { 'stack/compose.yml': compose('after-tag') });
    const r = await call('PUT', `/api/stacks/${stackId}/git/redeploy?endpointId=${envId}`, {
      RepositoryReferenceName: 'refs/tags/v1',
      Env: [{ name: 'UNUSED', value: 'x' }],
    });
    expect(r.status, r.text).toBe(200);
    expect(running(name)[0]?.rev).toBe('tagged');
    expect(await gitConfig(stackId)).toMatchObject({ ReferenceName: 'refs/tags/v1', ConfigHash: tagCommit });
    // An unknown reference: 400, nothing changed.
    expectApiError(
      await call('PUT', `/api/stacks/${stackId}/git/redeploy`, {
        RepositoryReferenceName: 'refs/heads/nope',
      }),
      400,
      /reference/,
    );
    expect(await gitConfig(stackId)).toMatchObject({ ReferenceName: 'refs/tags/v1', ConfigHash: tagCommit });
    expect(running(name)[0]?.rev).toBe('tagged');
    // Wrong credentials on a redeploy: 400, the stored ones kept (the next redeploy with them works).
    expectApiError(
      await call('PUT', `/api/stacks/${stackId}/git/redeploy`, {
        RepositoryAuthentication: true,
        RepositoryUsername: creds.username,
        RepositoryPassword: 'not-the-token',
      }),
      400,
      /Authentication failed/,
    );
    const again = await call('PUT', `/api/stacks/${stackId}/git/redeploy`, {});
    expect(again.status, again.text).toBe(200);
    expect(await gitConfig(stackId)).toMatchObject({ ReferenceName: 'refs/tags/v1', ConfigHash: tagCommit });
  });

  it('POST /git: wrong credentials or an unreachable reference are refused and nothing is stored', async () => {
    const before = (await call('GET', `/api/stacks/${stackId}`)).text;
    expectApiError(
      await call('POST', `/api/stacks/${stackId}/git`, {
        RepositoryReferenceName: 'refs/heads/main',
        RepositoryAuthentication: true,
        RepositoryUsername: creds.username,
        RepositoryPassword: 'wrong',
      }),
      400,
      /Authentication failed/,
    );
    const bad = await call<{ details: string }>('POST', `/api/stacks/${stackId}/git`, {
      AutoUpdate: { Interval: 'soon' },
    });
    expectApiError(bad, 400, /AutoUpdate/);
    expect(bad.body.details).toMatch(/Interval/);
    const badHook = await call<{ details: string }>('POST', `/api/stacks/${stackId}/git`, {
      AutoUpdate: { Webhook: 'nope' },
    });
    expectApiError(badHook, 400, /AutoUpdate/);
    expect(badHook.body.details).toMatch(/UUID/);
    expect((await call('GET', `/api/stacks/${stackId}`)).text).toBe(before);
  });

  it('auto-update by interval: redeploys a new commit once, then skips while unchanged', async () => {
    // Back to the branch, the stored password kept (empty password with RepositoryAuthentication).
    const set = await call('POST', `/api/stacks/${stackId}/git`, {
      RepositoryReferenceName: 'refs/heads/main',
      RepositoryAuthentication: true,
      RepositoryUsername: creds.username,
      RepositoryPassword: '',
      AutoUpdate: { Interval: '1s', Webhook: webhook },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.body['AutoUpdate']).toMatchObject({
      Interval: '1s',
      Webhook: webhook,
      JobID: String(stackId),
    });
    const head = git.commit('ops', { 'stack/compose.yml': compose('interval') });
    const c = await until('the interval redeploy', () => running(name).find((x) => x.rev === 'interval'));
    expect((await gitConfig(stackId)).ConfigHash).toBe(head);
    const log = (await call<{ UpdatedBy: string }>('GET', `/api/stacks/${stackId}`)).body;
    expect(log.UpdatedBy).toBe('admin');
    // Several intervals with nothing new: the same container, the same commit.
    await new Promise((r) => setTimeout(r, 3500));
    expect(running(name).map((x) => x.id)).toEqual([c.id]);
    expect((await gitConfig(stackId)).ConfigHash).toBe(head);
    // The job comes back when the server restarts.
    await env.server.restart();
    const after = git.commit('ops', { 'stack/compose.yml': compose('after-restart') });
    await until('the interval redeploy after a restart', async () =>
      (await gitConfig(stackId)).ConfigHash === after ? true : undefined,
    );
    expect(running(name).map((x) => x.rev)).toEqual(['after-restart']);
    // Interval off: a new commit is not picked up.
    expect((await call('POST', `/api/stacks/${stackId}/git`, { AutoUpdate: null })).status).toBe(200);
    git.commit('ops', { 'stack/compose.yml': compose('not-picked') });
    await new Promise((r) => setTimeout(r, 2500));
    expect(running(name)[0]?.rev).toBe('after-restart');
  });

  it('an unreachable URL or a webhook id in use on create: 4xx with nothing stored', async () => {
    expect(
      (await call('POST', `/api/stacks/${stackId}/git`, { AutoUpdate: { Webhook: webhook } })).status,
    ).toBe(200);
    const before = (await call<unknown[]>('GET', '/api/stacks')).body.length;
    expectApiError(
      await call('POST', `/api/stacks/create/standalone/repository?endpointId=${envId}`, {
        Name: uniqueName('unreach').toLowerCase(),
        RepositoryURL: 'http://127.0.0.1:1/nothing.git',
        ComposeFile: 'compose.yml',
        AutoUpdate: { Interval: '5m' },
      }),
      400,
      /unreachable/,
    );
    expectApiError(
      await call('POST', `/api/stacks/create/standalone/repository?endpointId=${envId}`, {
        Name: uniqueName('dupe').toLowerCase(),
        RepositoryURL: git.url('ops'),
        ComposeFile: 'stack/compose.yml',
        RepositoryAuthentication: true,
        RepositoryUsername: creds.username,
        RepositoryPassword: creds.password,
        AutoUpdate: { Webhook: webhook },
      }),
      409,
      /webhook/i,
    );
    expect((await call<unknown[]>('GET', '/api/stacks')).body.length).toBe(before);
  });

  it("a Standard user's git stack: a pushed commit breaking the environment's rules is not deployed", async () => {
    git.createRepo('std', { 'compose.yml': compose('std-one'), 'app.env': 'GREETING=std\n' });
    const user = await createUser(env.server, env.admin);
    expect(
      (
        await env.server.request('PUT', `/api/endpoints/${envId}`, {
          token: env.admin,
          body: { UserAccessPolicies: { [user.id]: { RoleId: 3 } } },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await env.server.request('PUT', `/api/endpoints/${envId}/settings`, {
          token: env.admin,
          body: { allowBindMountsForRegularUsers: false },
        })
      ).status,
    ).toBe(200);
    const stdName = uniqueName('gstd').toLowerCase();
    projects.push(stdName);
    const hookId = randomUUID();
    const created = await env.server.request<{ Id: number }>(
      'POST',
      `/api/stacks/create/standalone/repository?endpointId=${envId}`,
      {
        token: user.token,
        body: {
          Name: stdName,
          RepositoryURL: git.url('std'),
          ComposeFile: 'compose.yml',
          RepositoryAuthentication: true,
          RepositoryUsername: creds.username,
          RepositoryPassword: creds.password,
          AutoUpdate: { Webhook: hookId },
        },
      },
    );
    expect(created.status, created.text).toBe(200);
    const deployed = (await gitConfig(created.body.Id)).ConfigHash;
    // The user may not change the administrator's stack.
    expectApiError(
      await env.server.request('POST', `/api/stacks/${stackId}/git`, { token: user.token, body: {} }),
      404,
    );
    // A commit mounting the host's /etc: the webhook runs as the stack's creator and is refused.
    git.commit('std', {
      'compose.yml': compose('std-two') + '    volumes:\n      - /etc:/host-etc:ro\n',
    });
    const r = await hook(hookId);
    const body = (await r.json()) as { message: string; details: string };
    expect(r.status).toBe(422);
    expect(body.details).toMatch(/bind mounts/);
    expect(running(stdName).map((c) => c.rev)).toEqual(['std-one']);
    expect((await gitConfig(created.body.Id)).ConfigHash).toBe(deployed);
  });

  it('never answers the git password', () => {
    expect(answers.length).toBeGreaterThan(10);
    for (const a of answers) expect(a).not.toContain(creds.password);
  });
});

describe.runIf(existsSync(SOCKET) && existsSync(PLUGIN))('stack drift on dockerd', () => {
  const env = withAdminServer();
  let envId = 0;
  const name = uniqueName('drift').toLowerCase();
  beforeAll(async () => {
    envId = await addSocketEnvironment(env.server, env.admin);
  });
  afterAll(() => {
    try {
      docker('compose', '-p', name, 'down');
    } catch {
      /* gone */
    }
  });

  it('reports a container stopped by hand and puts it back', async () => {
    const file =
      'services:\n  web:\n    image: capstan/busybox:local\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n' +
      '    deploy:\n      replicas: 2\n    environment:\n      MODE: "${MODE}"\n';
    const r = await env.server.request<{ Id: number }>(
      'POST',
      `/api/stacks/create/standalone/string?endpointId=${envId}`,
      {
        token: env.admin,
        body: { Name: name, StackFileContent: file, Env: [{ name: 'MODE', value: 'blue' }] },
      },
    );
    expect(r.status, r.text).toBe(200);
    const id = r.body.Id;
    type Drift = { InSync: boolean; Differences: { Service: string; Field: string; Actual: string }[] };
    const drift = async () =>
      (await env.server.request<Drift>('GET', `/api/stacks/${id}/drift`, { token: env.admin })).body;
    expect(await drift()).toMatchObject({ InSync: true, Differences: [] });
    const ids = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${name}`).split('\n');
    expect(ids).toHaveLength(2);
    docker('stop', '-t', '1', ids[0] ?? '');
    const seen = await drift();
    expect(seen.InSync).toBe(false);
    expect(seen.Differences).toContainEqual(
      expect.objectContaining({ Service: 'web', Field: 'replicas', Actual: '1 running of 2' }),
    );
    const fixed = await env.server.request<Drift>('POST', `/api/stacks/${id}/drift/reapply`, {
      token: env.admin,
    });
    expect(fixed.status, fixed.text).toBe(200);
    expect(fixed.body).toMatchObject({ InSync: true, Differences: [] });
    expect(
      docker('ps', '-q', '--filter', `label=com.docker.compose.project=${name}`).split('\n'),
    ).toHaveLength(2);
    expectApiError(await env.server.request('GET', '/api/stacks/999999/drift', { token: env.admin }), 404);
  });
});

const reg = testRegistry();
describe.runIf(
  existsSync(SOCKET) && existsSync(PLUGIN) && (reg !== undefined || process.env['CI'] === 'true'),
)('stacks pull from a private registry with the registries the caller may use', () => {
  const env = withAdminServer();
  let envId = 0;
  const tag = `${reg?.address ?? ''}/capstan/gitstk-private:${uniqueName('t').toLowerCase()}`;
  const names: string[] = [];
  beforeAll(async () => {
    if (!reg) throw new Error('tools/setup/registry.sh did not run');
    envId = await addSocketEnvironment(env.server, env.admin);
    // A private image only the registry has: pushed with a throwaway login, then removed from the engine.
    const cfg = mkdtempSync(join(tmpdir(), 'gitstk-docker-'));
    try {
      execFileSync('docker', ['--config', cfg, 'login', '-u', reg.user, '--password-stdin', reg.address], {
        input: reg.password,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      docker('tag', 'capstan/busybox:local', tag);
      execFileSync('docker', ['--config', cfg, '-H', `unix://${SOCKET}`, 'push', tag], { stdio: 'ignore' });
      docker('rmi', tag);
    } finally {
      rmSync(cfg, { recursive: true, force: true });
    }
  });
  afterAll(() => {
    for (const n of names)
      try {
        docker('compose', '-p', n, 'down');
      } catch {
        /* gone */
      }
    try {
      docker('rmi', tag);
    } catch {
      /* gone */
    }
  });

  const create = (name: string) => {
    names.push(name);
    return env.server.request('POST', `/api/stacks/create/standalone/string?endpointId=${envId}`, {
      token: env.admin,
      body: {
        Name: name,
        StackFileContent: `services:\n  app:\n    image: ${tag}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n`,
      },
    });
  };

  it('fails to pull without a stored registry, deploys once the registry is stored', async () => {
    const r = reg as NonNullable<typeof reg>;
    const refused = await create(uniqueName('noreg').toLowerCase());
    expectApiError(refused, 422, /Unable to deploy/);
    expect((refused.body as { details: string }).details).toMatch(/denied|unauthorized|no basic auth/i);
    const created = await env.server.request<{ Id: number }>('POST', '/api/registries', {
      token: env.admin,
      body: {
        Name: uniqueName('reg'),
        Type: 3,
        URL: r.address,
        Authentication: true,
        Username: r.user,
        Password: r.password,
      },
    });
    expect(created.status, created.text).toBe(200);
    const name = uniqueName('withreg').toLowerCase();
    const ok = await create(name);
    expect(ok.status, ok.text).toBe(200);
    expect(
      docker('ps', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.Image}}'),
    ).toBe(tag);
    // The temporary DOCKER_CONFIG is gone after the deploy.
    const tmp = join(env.server.dataDir, 'tmp');
    const left = existsSync(tmp) ? execFileSync('ls', [tmp], { encoding: 'utf8' }) : '';
    expect(left).not.toMatch(/docker-config-/);
    await env.server.request('DELETE', `/api/registries/${created.body.Id}`, { token: env.admin });
  });
});

describe.runIf(gitHttpBackendPath() !== undefined)('custom templates and app templates from git', () => {
  const env = withAdminServer();
  const creds = { username: 'tpl', password: 'template-secret-99' };
  let privateGit: GitHttpServer;
  let publicGit: GitHttpServer;
  beforeAll(async () => {
    privateGit = await GitHttpServer.start({ auth: creds });
    publicGit = await GitHttpServer.start();
    privateGit.createRepo('tpl', { 'tpl/compose.yml': 'services:\n  web:\n    image: "{{ image }}"\n' });
    publicGit.createRepo('pub', { 'x/stack.yml': 'services:\n  pub:\n    image: busybox\n' });
  });
  afterAll(async () => {
    await privateGit?.stop();
    await publicGit?.stop();
  });
  const count = async () =>
    (await env.server.request<unknown[]>('GET', '/api/custom_templates', { token: env.admin })).body.length;
  const base = {
    title: 'From git',
    description: 'A template in a repository',
    platform: 1,
    type: 2,
    repositoryURL: '',
    repositoryReferenceName: 'refs/heads/main',
    composeFilePathInRepository: 'tpl/compose.yml',
    repositoryAuthentication: true,
    repositoryUsername: creds.username,
    repositoryPassword: creds.password,
  };

  it('creates from a repository, fetches a new commit with git_fetch, never answers the password', async () => {
    const first = privateGit.commit('tpl', {}, 'noop');
    const created = await env.server.request<{ Id: number; GitConfig: Record<string, unknown> }>(
      'POST',
      '/api/custom_templates/create/repository',
      { token: env.admin, body: { ...base, repositoryURL: privateGit.url('tpl') } },
    );
    expect(created.status, created.text).toBe(200);
    expect(created.text).not.toContain(creds.password);
    expect(created.body.GitConfig).toEqual({
      URL: privateGit.url('tpl'),
      ReferenceName: 'refs/heads/main',
      ConfigFilePath: 'tpl/compose.yml',
      ConfigHash: first,
      TLSSkipVerify: false,
      Authentication: { Username: creds.username, Password: '' },
    });
    const id = created.body.Id;
    const file = async () =>
      (
        await env.server.request<{ FileContent: string }>('GET', `/api/custom_templates/${id}/file`, {
          token: env.admin,
        })
      ).body.FileContent;
    expect(await file()).toContain('{{ image }}');
    const next = privateGit.commit('tpl', {
      'tpl/compose.yml': 'services:\n  web:\n    image: "{{ image }}:2"\n',
    });
    const fetched = await env.server.request<{ FileContent: string }>(
      'PUT',
      `/api/custom_templates/${id}/git_fetch`,
      {
        token: env.admin,
      },
    );
    expect(fetched.status, fetched.text).toBe(200);
    expect(fetched.body.FileContent).toContain('{{ image }}:2');
    expect(await file()).toContain('{{ image }}:2');
    const inspected = await env.server.request<{ GitConfig: { ConfigHash: string } }>(
      'GET',
      `/api/custom_templates/${id}`,
      { token: env.admin },
    );
    expect(inspected.body.GitConfig.ConfigHash).toBe(next);
    expect(inspected.text).not.toContain(creds.password);
  });

  it('refuses wrong credentials, an unreachable URL and a bad title with nothing stored', async () => {
    const before = await count();
    expectApiError(
      await env.server.request('POST', '/api/custom_templates/create/repository', {
        token: env.admin,
        body: { ...base, repositoryURL: privateGit.url('tpl'), repositoryPassword: 'wrong' },
      }),
      400,
      /Authentication failed/,
    );
    expectApiError(
      await env.server.request('POST', '/api/custom_templates/create/repository', {
        token: env.admin,
        body: { ...base, repositoryURL: 'http://127.0.0.1:1/none.git' },
      }),
      400,
      /unreachable/,
    );
    expectApiError(
      await env.server.request('POST', '/api/custom_templates/create/repository', {
        token: env.admin,
        body: { ...base, title: '', repositoryURL: privateGit.url('tpl') },
      }),
      400,
    );
    expect(await count()).toBe(before);
    const plain = await env.server.request<{ Id: number }>('POST', '/api/custom_templates/create/string', {
      token: env.admin,
      body: { Title: 't', Description: 'd', Platform: 1, Type: 2, FileContent: 'services: {}\n' },
    });
    expectApiError(
      await env.server.request('PUT', `/api/custom_templates/${plain.body.Id}/git_fetch`, {
        token: env.admin,
      }),
      400,
      /not from a git repository/,
    );
  });

  it('app templates: the file of a template and of a repository', async () => {
    const list = await env.server.request<{
      templates: { id: number; type: number; stackFileContent?: string }[];
    }>('GET', '/api/templates', { token: env.admin });
    const stack = list.body.templates.find((t) => t.type !== 1 && typeof t.stackFileContent === 'string');
    expect(stack).toBeDefined();
    const got = await env.server.request<{ FileContent: string }>(
      'POST',
      `/api/templates/${stack?.id}/file`,
      {
        token: env.admin,
      },
    );
    expect(got.status, got.text).toBe(200);
    expect(got.body.FileContent).toBe(stack?.stackFileContent);
    expectApiError(await env.server.request('POST', '/api/templates/99999/file', { token: env.admin }), 404);
    const repo = await env.server.request<{ FileContent: string }>('POST', '/api/templates/file', {
      token: env.admin,
      body: { RepositoryURL: publicGit.url('pub'), ComposeFilePathInRepository: 'x/stack.yml' },
    });
    expect(repo.status, repo.text).toBe(200);
    expect(repo.body.FileContent).toContain('pub:');
    expectApiError(
      await env.server.request('POST', '/api/templates/file', {
        token: env.admin,
        body: { RepositoryURL: publicGit.url('pub'), ComposeFilePathInRepository: '../etc/passwd' },
      }),
      400,
    );
  });
});

describe('the public stack webhook is rate-limited', () => {
  const env = withAdminServer();
  it('answers 429 with Retry-After after 20 unknown or malformed ids a minute from one client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${env.server.baseUrl}/api/stacks/webhooks/${i % 2 ? randomUUID() : 'x'}`, {
        method: 'POST',
      });
      statuses.push(r.status);
    }
    expect(new Set(statuses)).toEqual(new Set([400, 404]));
    const limited = await fetch(`${env.server.baseUrl}/api/stacks/webhooks/${randomUUID()}`, {
      method: 'POST',
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
