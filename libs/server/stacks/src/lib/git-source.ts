import { BadRequestError } from '@capstan/server-core';
import {
  type GitService,
  type SealedGitCredentials,
  checkReference,
  checkRepositoryPath,
  checkRepositoryUrl,
} from '@capstan/server-git';

/** A git stack's source as stored (`git_config`): Portainer's GitConfig with the password sealed. */
export interface StoredGitConfig {
  URL: string;
  ReferenceName: string;
  ConfigFilePath: string;
  ConfigHash: string;
  TLSSkipVerify: boolean;
  Authentication?: SealedGitCredentials;
}

/** Portainer's GitConfig as answered: the username only, never the password. */
export function gitConfigView(raw: string | null): unknown {
  if (!raw) return null;
  const c = JSON.parse(raw) as StoredGitConfig;
  return {
    URL: c.URL,
    ReferenceName: c.ReferenceName,
    ConfigFilePath: c.ConfigFilePath,
    ConfigHash: c.ConfigHash,
    TLSSkipVerify: c.TLSSkipVerify,
    Authentication: c.Authentication ? { Username: c.Authentication.username, Password: '' } : null,
  };
}

/**
 * The repository fields of `POST /api/stacks/create/{type}/repository` (keys in any case): checked, then the compose
 * file fetched from git — before anything is written, so an unreachable URL, wrong credentials, an unknown
 * reference or a missing file is a 400 with no stack record.
 */
export async function readRepositorySource(
  git: GitService,
  get: (key: string) => unknown,
): Promise<{ content: string; config: StoredGitConfig }> {
  const str = (key: string, fallback = ''): string => {
    const v = get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') throw new BadRequestError(`Invalid ${key}`, `${key} must be a string`);
    return v;
  };
  const url = checkRepositoryUrl(str('RepositoryURL'));
  const reference = checkReference(str('RepositoryReferenceName'));
  const composeFile = checkRepositoryPath(
    str('ComposeFile') || str('ComposeFilePathInRepository') || 'docker-compose.yml',
  );
  const additional = get('AdditionalFiles');
  if (Array.isArray(additional) && additional.length > 0)
    throw new BadRequestError(
      'AdditionalFiles is not supported yet',
      'Deploy git stacks from one compose file',
    );
  const tlsSkipVerify = get('TLSSkipVerify') === true;
  const useAuth = get('RepositoryAuthentication') === true;
  const username = str('RepositoryUsername');
  const password = str('RepositoryPassword');
  if (useAuth && !password)
    throw new BadRequestError(
      'Invalid repository credentials',
      'RepositoryPassword is required when RepositoryAuthentication is true',
    );
  const remote = useAuth ? { url, username, password, tlsSkipVerify } : { url, tlsSkipVerify };
  const file = await git.readFileAt(remote, reference, composeFile);
  return {
    content: file.content,
    config: {
      URL: url,
      ReferenceName: reference,
      ConfigFilePath: composeFile,
      ConfigHash: file.commit,
      TLSSkipVerify: tlsSkipVerify,
      ...(useAuth ? { Authentication: git.seal(username, password) } : {}),
    },
  };
}
