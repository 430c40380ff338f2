import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CAPSTAN_CONFIG, type CapstanConfig, SecretBox } from '@capstan/server-core';
import { GitClient, type GitRemote } from './git-client';

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
