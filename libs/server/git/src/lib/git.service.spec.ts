// GitService on the real git binary and a real `git http-backend` (libs/testing GitHttpServer).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox, type CapstanConfig } from '@capstan/server-core';
// A spec beside the code, on the real git server fixture (test-only code; nothing in src imports it).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { GitHttpServer, gitHttpBackendPath } from '@capstan/testing';
import { GitError } from './git.errors';
import { GitService } from './git.service';

const backend = gitHttpBackendPath();
if (!backend && process.env['CI'] === 'true')
  throw new Error('git http-backend missing: run tools/setup/git-server.sh');
const suite = backend ? describe : describe.skip;

suite('GitService', () => {
  const auth = { username: 'bot', password: 'token-xyz-123' };
  let git: GitHttpServer;
  let dataDir: string;
  let service: GitService;
  const box = new SecretBox('a-test-secret-of-at-least-32-chars!!');

  beforeAll(async () => {
    git = await GitHttpServer.start({ auth });
    git.createRepo('stack', { 'docker-compose.yml': 'v1\n', 'override.yml': 'o1\n' });
    dataDir = mkdtempSync(join(tmpdir(), 'capstan-git-service-'));
    service = new GitService({ dataDir } as CapstanConfig, box);
  });
  afterAll(async () => {
    await git?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('seals credentials at rest and opens them only into a remote', () => {
    const sealed = service.seal(auth.username, auth.password);
    expect(sealed.sealedPassword).not.toContain(auth.password);
    expect(service.remote('http://x/r.git', sealed, true)).toEqual({
      url: 'http://x/r.git',
      tlsSkipVerify: true,
      ...auth,
    });
    expect(service.remote('http://x/r.git', undefined, false)).toEqual({
      url: 'http://x/r.git',
      tlsSkipVerify: false,
    });
  });

  it('replaces a working dir only when the checkout and every file read worked', async () => {
    const remote = service.remote(git.url('stack'), service.seal(auth.username, auth.password), false);
    const dir = service.workDir('stacks', 7);
    const first = await service.checkoutInto(remote, 'main', ['docker-compose.yml', 'override.yml'], dir);
    expect(first.files).toEqual([
      { path: 'docker-compose.yml', content: 'v1\n' },
      { path: 'override.yml', content: 'o1\n' },
    ]);
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toBe('v1\n');

    const next = git.commit('stack', { 'docker-compose.yml': 'v2\n' });
    // A missing additional file, wrong credentials, an unknown ref: the old checkout stays, nothing is left over.
    const failures = [
      () => service.checkoutInto(remote, 'main', ['docker-compose.yml', 'absent.yml'], dir),
      () => service.checkoutInto({ ...remote, password: 'wrong' }, 'main', ['docker-compose.yml'], dir),
      () => service.checkoutInto(remote, 'nope', ['docker-compose.yml'], dir),
      () => service.checkoutInto(remote, 'main', ['../escape.yml'], dir),
    ];
    for (const f of failures) await expect(f()).rejects.toBeInstanceOf(GitError);
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toBe('v1\n');
    expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);

    const second = await service.checkoutInto(remote, 'main', ['docker-compose.yml'], dir);
    expect(second.commit).toBe(next);
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toBe('v2\n');
    expect(readdirSync(join(dataDir, 'git', 'stacks'))).toEqual(['7']);
    expect(existsSync(join(dir, '.git'))).toBe(true);
  });
});
