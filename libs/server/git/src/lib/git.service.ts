import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CAPSTAN_CONFIG, type CapstanConfig, SecretBox } from '@capstan/server-core';
import { GitClient, checkRepositoryPath, type GitRemote } from './git-client';
import type { GitSourceRequest, StoredGitConfig } from './git-config';

/** Git credentials as stored: the username in clear, the password/token sealed with core's secret box. */
export interface SealedGitCredentials {
  username: string;
  sealedPassword: string;
}

/** A file read from a repository, with the commit it was read at. */
export interface GitFileAt {
  content: string;
  commit: string;
}

/** A checkout that replaced a working dir: its commit and the files asked for, in order. */
export interface GitCheckout {
  commit: string;
  dir: string;
  files: { path: string; content: string }[];
}

/**
 * The git facade the other modules use: working dirs under the data dir (`git/<kind>/<id>`), one-off reads
 * through a throwaway checkout (`tmp/git-*`, always removed), and the sealing of git credentials at rest.
 */
@Injectable()
export class GitService {
  readonly client: GitClient;
  private readonly dataDir: string;

  constructor(
    @Inject(CAPSTAN_CONFIG) config: CapstanConfig,
    private readonly box: SecretBox,
  ) {
    this.dataDir = config.dataDir;
    this.client = new GitClient();
  }

  /** The working dir a stack or template keeps its checkout in. */
  workDir(kind: 'stacks' | 'custom_templates', id: number | string): string {
    return join(this.dataDir, 'git', kind, String(id));
  }

  latestCommit(remote: GitRemote, reference: string): Promise<string> {
    return this.client.latestCommit(remote, reference);
  }

  /** One file of `reference`, through a throwaway shallow checkout. */
  async readFileAt(remote: GitRemote, reference: string, path: string): Promise<GitFileAt> {
    const dir = join(this.dataDir, 'tmp', `git-${randomUUID()}`);
    try {
      const { commit } = await this.client.checkout(remote, reference, dir);
      return { content: await this.client.readFile(dir, path), commit };
    } finally {
      await this.client.remove(dir);
    }
  }

  /**
   * Checks `reference` out into a fresh dir, reads `paths` (the compose file, then the additional files), and only
   * when all of that worked replaces `targetDir` with it: a failure (unreachable, wrong credentials, unknown ref,
   * missing file) leaves `targetDir` as it was and nothing else behind.
   */
  async checkoutInto(
    remote: GitRemote,
    reference: string,
    paths: readonly string[],
    targetDir: string,
  ): Promise<GitCheckout> {
    const wanted = paths.map((p) => checkRepositoryPath(p));
    const staging = join(this.dataDir, 'tmp', `git-${randomUUID()}`);
    try {
      const { commit } = await this.client.checkout(remote, reference, staging);
      const files: GitCheckout['files'] = [];
      for (const path of wanted) files.push({ path, content: await this.client.readFile(staging, path) });
      await mkdir(dirname(targetDir), { recursive: true, mode: 0o700 });
      const old = `${targetDir}.old-${randomUUID()}`;
      await rename(targetDir, old).catch(() => undefined);
      await rename(staging, targetDir);
      await rm(old, { recursive: true, force: true });
      return { commit, dir: targetDir, files };
    } finally {
      await this.client.remove(staging);
    }
  }

  /** The GitConfig to store for a source read at `commit` (credentials sealed). */
  storedConfig(source: GitSourceRequest, commit: string): StoredGitConfig {
    return {
      URL: source.remote.url,
      ReferenceName: source.reference,
      ConfigFilePath: source.path,
      ConfigHash: commit,
      TLSSkipVerify: source.remote.tlsSkipVerify === true,
      ...(source.credentials
        ? { Authentication: this.seal(source.credentials.username, source.credentials.password) }
        : {}),
    };
  }

  /** The stored config's remote, credentials opened, for a git call. */
  remoteOf(config: StoredGitConfig): GitRemote {
    return this.remote(config.URL, config.Authentication, config.TLSSkipVerify);
  }

  seal(username: string, password: string): SealedGitCredentials {
    return { username, sealedPassword: this.box.seal(password) };
  }

  /** The remote with its credentials opened, for a git call; never for a response. */
  remote(url: string, credentials: SealedGitCredentials | undefined, tlsSkipVerify: boolean): GitRemote {
    return credentials
      ? {
          url,
          tlsSkipVerify,
          username: credentials.username,
          password: this.box.open(credentials.sealedPassword),
        }
      : { url, tlsSkipVerify };
  }
}
