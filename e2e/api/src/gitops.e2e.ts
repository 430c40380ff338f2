// POST /api/gitops/repo/file/preview against a real `git http-backend` on loopback (libs/testing GitHttpServer).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHttpServer, gitHttpBackendPath } from '@capstan/testing';
import { createUser, expectApiError, withAdminServer } from './support/fixtures';

const backend = gitHttpBackendPath();
if (!backend && process.env['CI'] === 'true')
  throw new Error('git http-backend missing: run tools/setup/git-server.sh');
if (!backend) console.warn('gitops.e2e: skipped, git http-backend not found (tools/setup/git-server.sh)');
const suite = backend ? describe : describe.skip;

const PREVIEW = '/api/gitops/repo/file/preview';
const creds = { username: 'ci-bot', password: 'glpat-Secret123' };

suite('git file preview', () => {
  const env = withAdminServer();
  let open: GitHttpServer;
  let secured: GitHttpServer;
  let tls: GitHttpServer;
  let main: string;

  beforeAll(async () => {
    open = await GitHttpServer.start();
    secured = await GitHttpServer.start({ auth: creds });
    tls = await GitHttpServer.start({ tls: true });
    main = open.createRepo('web', {
      'docker-compose.yml': 'services:\n  web:\n    image: busybox\n',
      'deploy/prod.yml': 'prod\n',
    });
    open.commit('web', { 'docker-compose.yml': 'v2 on a branch\n' }, 'branch', 'next');
    secured.createRepo('private', { 'stack.yml': 'private stack\n' });
    tls.createRepo('web', { 'compose.yml': 'over tls\n' });
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), secured?.stop(), tls?.stop()]);
  });

  const preview = (body: Record<string, unknown>, token = env.admin) =>
    env.server.request<{ FileContent: string }>('POST', PREVIEW, { token, body });

  it('returns the file at a branch, the default branch, a commit, in either key case, to any signed-in user', async () => {
    const r = await preview({ repository: open.url('web'), targetFile: 'docker-compose.yml' });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ FileContent: 'services:\n  web:\n    image: busybox\n' });
    const branch = await preview({
      Repository: open.url('web'),
      Reference: 'refs/heads/next',
      TargetFile: 'docker-compose.yml',
    });
    expect(branch.body.FileContent).toBe('v2 on a branch\n');
    const user = await createUser(env.server, env.admin);
    const atCommit = await preview(
      { repository: open.url('web'), reference: main, targetFile: 'deploy/prod.yml' },
      user.token,
    );
    expect(atCommit.body.FileContent).toBe('prod\n');
    expect(
      (await env.server.request('POST', PREVIEW, { body: { repository: open.url('web'), targetFile: 'x' } }))
        .status,
    ).toBe(401);
  });

  it('uses credentials and never echoes them; wrong or missing credentials are a 400', async () => {
    const url = secured.url('private');
    const ok = await preview({ repository: url, targetFile: 'stack.yml', ...creds });
    expect(ok.body.FileContent).toBe('private stack\n');
    const wrong = await preview({
      repository: url,
      targetFile: 'stack.yml',
      username: creds.username,
      password: 'not-it',
    });
    expectApiError(wrong, 400, /Authentication failed/);
    expect(wrong.text).not.toContain('not-it');
    expectApiError(await preview({ repository: url, targetFile: 'stack.yml' }), 400, /Authentication failed/);
  });

  it('answers 400 for an unreachable URL, an unknown repository, an unknown reference, a missing file', async () => {
    expectApiError(
      await preview({ repository: 'http://127.0.0.1:1/nothing.git', targetFile: 'a.yml' }),
      400,
      /unreachable/,
    );
    expectApiError(
      await preview({ repository: open.url('absent'), targetFile: 'a.yml' }),
      400,
      /unreachable/,
    );
    expectApiError(
      await preview({ repository: open.url('web'), reference: 'no-such-branch', targetFile: 'a.yml' }),
      400,
      /reference/,
    );
    expectApiError(
      await preview({ repository: open.url('web'), targetFile: 'absent.yml' }),
      400,
      /File not found/,
    );
  });

  it('refuses traversal, other transports, credentials in the URL and option-like references before git runs', async () => {
    for (const targetFile of ['../../etc/passwd', '/etc/passwd', 'deploy/../../x', '.git/config']) {
      expectApiError(await preview({ repository: open.url('web'), targetFile }), 400, /Invalid file path/);
    }
    for (const repository of [
      'file:///etc',
      'ext::sh -c touch% /tmp/pwned',
      'ssh://host/x.git',
      `http://u:p@127.0.0.1:${open.port}/web.git`,
    ]) {
      expectApiError(await preview({ repository, targetFile: 'a.yml' }), 400, /Invalid repository URL/);
    }
    expectApiError(
      await preview({
        repository: open.url('web'),
        reference: '--upload-pack=touch /tmp/x',
        targetFile: 'a',
      }),
      400,
      /Invalid git reference/,
    );
    expectApiError(await preview({ repository: 42, targetFile: 'a.yml' }), 400);
    expectApiError(await preview({ repository: open.url('web') }), 400);
  });

  it('needs TLSSkipVerify for a self-signed git server', async () => {
    expectApiError(
      await preview({ repository: tls.url('web'), targetFile: 'compose.yml' }),
      400,
      /certificate/,
    );
    const ok = await preview({ repository: tls.url('web'), targetFile: 'compose.yml', tlsSkipVerify: true });
    expect(ok.body.FileContent).toBe('over tls\n');
  });

  it('leaves no checkout behind in the data dir', () => {
    const tmp = join(env.server.dataDir, 'tmp');
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
  });
});
