// Against the real git binary and a real `git http-backend` on loopback (libs/testing GitHttpServer).
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A spec beside the code, on the real git server fixture (test-only code; nothing in src imports it).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { GitHttpServer, gitHttpBackendPath } from '@capstan/testing';
import { GitClient, checkReference, checkRepositoryPath, checkRepositoryUrl } from './git-client';
import { GitError, GitFileTooLargeError } from './git.errors';

const backend = gitHttpBackendPath();
if (!backend && process.env['CI'] === 'true')
  throw new Error('git http-backend missing: run tools/setup/git-server.sh');
const suite = backend ? describe : describe.skip;
if (!backend)
  console.warn('git-client.spec: skipped, git http-backend not found (tools/setup/git-server.sh)');

const auth = { username: 'deployer', password: 'tok-3f9a1c2b' };

async function failure(promise: Promise<unknown>): Promise<GitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitError);
  return error as GitError;
}

suite('GitClient against git http-backend', () => {
  let open: GitHttpServer;
  let secured: GitHttpServer;
  let tls: GitHttpServer;
  let work: string;
  const git = new GitClient({ timeoutMs: 20_000, maxFileBytes: 4096 });
  let first: string;

  beforeAll(async () => {
    open = await GitHttpServer.start();
    secured = await GitHttpServer.start({ auth });
    tls = await GitHttpServer.start({ tls: true });
    first = open.createRepo('app', { 'docker-compose.yml': 'services: {}\n', 'sub/extra.yml': 'x: 1\n' });
    secured.createRepo('private', { 'compose.yml': 'private: true\n' });
    tls.createRepo('app', { 'compose.yml': 'tls: true\n' });
    work = mkdtempSync(join(tmpdir(), 'capstan-git-client-'));
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), secured?.stop(), tls?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('resolves a branch, a full ref, HEAD, a tag (annotated: peeled) and a hash with ls-remote', async () => {
    const remote = { url: open.url('app') };
    expect(await git.latestCommit(remote, 'main')).toBe(first);
    expect(await git.latestCommit(remote, 'refs/heads/main')).toBe(first);
    expect(await git.latestCommit(remote, '')).toBe(first);
    const tagged = open.tag('app', 'v1', 'release 1');
    expect(await git.latestCommit(remote, 'v1')).toBe(tagged);
    expect(await git.latestCommit(remote, first)).toBe(first);
    expect((await failure(git.latestCommit(remote, 'nope'))).failure).toBe('reference');
  });

  it('checks out a reference shallowly, follows new commits, reads and lists files', async () => {
    const dir = join(work, 'checkout');
    const remote = { url: open.url('app') };
    expect((await git.checkout(remote, 'main', dir)).commit).toBe(first);
    expect(await git.readFile(dir, 'docker-compose.yml')).toBe('services: {}\n');
    expect(await git.readFile(dir, './sub/extra.yml')).toBe('x: 1\n');
    expect((await git.listFiles(dir)).sort()).toEqual(['docker-compose.yml', 'sub/extra.yml']);
    const second = open.commit('app', {
      'docker-compose.yml': 'services: {web: {}}\n',
      'sub/extra.yml': null,
    });
    expect((await git.checkout(remote, 'main', dir)).commit).toBe(second);
    expect(await git.readFile(dir, 'docker-compose.yml')).toBe('services: {web: {}}\n');
    expect(await git.listFiles(dir)).toEqual(['docker-compose.yml']);
    // Back to an older commit by hash.
    expect((await git.checkout(remote, first, join(work, 'by-hash'))).commit).toBe(first);
    const feature = open.commit('app', { 'f.yml': 'feature\n' }, 'feature', 'feature');
    expect((await git.checkout(remote, 'feature', join(work, 'branch'))).commit).toBe(feature);
  });

  it('sends credentials only in the environment, and tells wrong credentials from an unknown repository', async () => {
    const url = secured.url('private');
    const dir = join(work, 'private');
    expect((await git.checkout({ url, ...auth }, '', dir)).commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await git.readFile(dir, 'compose.yml')).toBe('private: true\n');
    const wrong = await failure(git.latestCommit({ url, username: auth.username, password: 'wrong-token' }));
    expect(wrong.failure).toBe('authentication');
    expect(JSON.stringify(wrong)).not.toContain('wrong-token');
    expect((await failure(git.latestCommit({ url }))).failure).toBe('authentication');
    expect((await failure(git.latestCommit({ url: open.url('missing') }))).failure).toBe('unreachable');
    expect((await failure(git.latestCommit({ url: 'http://127.0.0.1:1/x.git' }))).failure).toBe(
      'unreachable',
    );
  });

  it('refuses an untrusted certificate unless TLS verification is skipped', async () => {
    const url = tls.url('app');
    expect((await failure(git.latestCommit({ url }))).failure).toBe('tls');
    const dir = join(work, 'tls');
    await git.checkout({ url, tlsSkipVerify: true }, 'main', dir);
    expect(await git.readFile(dir, 'compose.yml')).toBe('tls: true\n');
  });

  it('keeps reads inside the checkout: traversal, .git, symlinks, missing and oversized files', async () => {
    const dir = join(work, 'checkout');
    for (const bad of ['../x', '/etc/passwd', 'a/../../x', '.git/config', '', '..']) {
      expect((await failure(git.readFile(dir, bad))).failure).toBe('path');
    }
    expect((await failure(git.readFile(dir, 'absent.yml'))).failure).toBe('file');
    writeFileSync(join(dir, 'big.yml'), 'x'.repeat(5000));
    await expect(git.readFile(dir, 'big.yml')).rejects.toBeInstanceOf(GitFileTooLargeError);
    symlinkSync('/etc', join(dir, 'escape'));
    expect((await failure(git.readFile(dir, 'escape/hostname'))).failure).toBe('path');
  });

  it('checks URLs, references and paths before git runs', () => {
    expect(() => checkRepositoryUrl('file:///etc')).toThrow(GitError);
    expect(() => checkRepositoryUrl('ext::sh -c id')).toThrow(GitError);
    expect(() => checkRepositoryUrl('https://user:pw@example.com/r.git')).toThrow(
      expect.objectContaining({ details: expect.stringMatching(/credentials/) }),
    );
    expect(() => checkRepositoryUrl('--upload-pack=x')).toThrow(GitError);
    expect(() => checkReference('--upload-pack=touch')).toThrow(GitError);
    expect(() => checkReference('a..b')).toThrow(GitError);
    expect(() => checkReference('a b')).toThrow(GitError);
    expect(checkReference('refs/tags/v1.2')).toBe('refs/tags/v1.2');
    expect(checkRepositoryPath('a/./b.yml')).toBe('a/b.yml');
  });
});
