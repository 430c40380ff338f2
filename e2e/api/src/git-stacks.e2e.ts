// Git stacks: POST /api/stacks/create/standalone/repository with a real `git http-backend` on loopback
// (libs/testing GitHttpServer) and the real docker compose on dockerd.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHttpServer, gitHttpBackendPath } from '@capstan/testing';
import { expectApiError, uniqueName, withAdminServer } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const PLUGIN = '/usr/local/lib/docker/cli-plugins/docker-compose';
const ready = existsSync(SOCKET) && existsSync(PLUGIN) && gitHttpBackendPath() !== undefined;
if (!ready && process.env['CI'] === 'true')
  throw new Error('git-stacks.e2e needs dockerd, docker compose and git http-backend (tools/setup)');
if (!ready) console.warn('git-stacks.e2e: skipped — dockerd, the compose plugin or git http-backend missing');

const compose = (tag: string) =>
  `services:\n  app:\n    image: capstan/busybox:local\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n    labels:\n      rev: "${tag}"\n`;

function labels(project: string): string[] {
  const out = execFileSync(
    'docker',
    [
      '-H',
      `unix://${SOCKET}`,
      'ps',
      '-a',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--format',
      '{{.Label "rev"}}',
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

describe.runIf(ready)('git stacks from a loopback git server', () => {
  const env = withAdminServer();
  const creds = { username: 'deploy', password: 'gitea-token-42' };
  let git: GitHttpServer;
  let envId = 0;
  let head = '';
  const projects: string[] = [];

  beforeAll(async () => {
    git = await GitHttpServer.start({ auth: creds });
    head = git.createRepo('app', { 'deploy/compose.yml': compose('one') });
    const f = new FormData();
    f.append('Name', uniqueName('git'));
    f.append('EndpointCreationType', '1');
    const r = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    envId = ((await r.json()) as { Id: number }).Id;
  });
  afterAll(async () => {
    for (const p of projects) {
      try {
        execFileSync('docker', ['-H', `unix://${SOCKET}`, 'compose', '-p', p, 'down'], { stdio: 'ignore' });
      } catch {
        /* gone */
      }
    }
    await git?.stop();
  });

  const create = (body: Record<string, unknown>) =>
    env.server.request<Record<string, unknown>>(
      'POST',
      `/api/stacks/create/standalone/repository?endpointId=${envId}`,
      {
        token: env.admin,
        body,
      },
    );
  const stackCount = async () =>
    (
      await env.server.request<unknown[]>(
        'GET',
        `/api/stacks?filters=${encodeURIComponent(JSON.stringify({ EndpointID: envId, IncludeExternal: false }))}`,
        { token: env.admin },
      )
    ).body.length;

  it('deploys the compose file of a branch with credentials, stores the commit, never returns the password', async () => {
    const name = uniqueName('gs').toLowerCase();
    projects.push(name);
    const r = await create({
      Name: name,
      RepositoryURL: git.url('app'),
      RepositoryReferenceName: 'refs/heads/main',
      ComposeFile: 'deploy/compose.yml',
      RepositoryAuthentication: true,
      RepositoryUsername: creds.username,
      RepositoryPassword: creds.password,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.text).not.toContain(creds.password);
    expect(r.body['GitConfig']).toEqual({
      URL: git.url('app'),
      ReferenceName: 'refs/heads/main',
      ConfigFilePath: 'deploy/compose.yml',
      ConfigHash: head,
      TLSSkipVerify: false,
      Authentication: { Username: creds.username, Password: '' },
    });
    expect(labels(name)).toEqual(['one']);
    const file = await env.server.request<{ StackFileContent: string }>(
      'GET',
      `/api/stacks/${String(r.body['Id'])}/file`,
      { token: env.admin },
    );
    expect(file.body.StackFileContent).toBe(compose('one'));
  });

  it('answers 400 with nothing written for wrong credentials, an unreachable URL, an unknown ref or file', async () => {
    const before = await stackCount();
    const base = {
      Name: uniqueName('bad').toLowerCase(),
      RepositoryURL: git.url('app'),
      ComposeFile: 'deploy/compose.yml',
    };
    const auth = {
      RepositoryAuthentication: true,
      RepositoryUsername: creds.username,
      RepositoryPassword: creds.password,
    };
    expectApiError(
      await create({
        ...base,
        RepositoryAuthentication: true,
        RepositoryUsername: 'deploy',
        RepositoryPassword: 'wrong',
      }),
      400,
      /Authentication failed/,
    );
    expectApiError(await create({ ...base }), 400, /Authentication failed/);
    expectApiError(
      await create({ ...base, ...auth, RepositoryURL: 'http://127.0.0.1:1/x.git' }),
      400,
      /unreachable/,
    );
    expectApiError(
      await create({ ...base, ...auth, RepositoryReferenceName: 'refs/heads/nope' }),
      400,
      /reference/,
    );
    expectApiError(await create({ ...base, ...auth, ComposeFile: 'absent.yml' }), 400, /File not found/);
    expectApiError(
      await create({ ...base, ...auth, ComposeFile: '../../etc/passwd' }),
      400,
      /Invalid file path/,
    );
    expectApiError(
      await create({ ...base, ...auth, RepositoryURL: 'file:///etc' }),
      400,
      /Invalid repository URL/,
    );
    expect(await stackCount()).toBe(before);
    expect(labels(base.Name)).toEqual([]);
  });
});
