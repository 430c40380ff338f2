import { BadRequestError } from '@capstan/server-core';
import { checkReference, checkRepositoryPath, checkRepositoryUrl, type GitRemote } from './git-client';
import type { SealedGitCredentials } from './git.service';

/** Portainer's GitConfig as stored (stacks' and custom templates' `git_config`), the password sealed. */
export interface StoredGitConfig {
  URL: string;
  ReferenceName: string;
  ConfigFilePath: string;
  /** The commit deployed or fetched last. */
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

/** A request body's value by key in any case (Portainer's clients send `Name` or `name`). */
export type BodyGetter = (key: string) => unknown;

export function bodyGetter(body: unknown): BodyGetter {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequestError('Invalid request payload', 'Send a JSON object');
  return (k: string): unknown =>
    Object.entries(body as Record<string, unknown>).find(
      ([key]) => key.toLowerCase() === k.toLowerCase(),
    )?.[1];
}

export function stringField(get: BodyGetter, key: string, fallback = ''): string {
  const v = get(key);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw new BadRequestError(`Invalid ${key}`, `${key} must be a string`);
  return v;
}

export function booleanField(get: BodyGetter, key: string): boolean | undefined {
  const v = get(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new BadRequestError(`Invalid ${key}`, `${key} must be a boolean`);
  return v;
}

/** Credentials of a request (`RepositoryAuthentication`, `RepositoryUsername`, `RepositoryPassword`). */
export function readCredentials(get: BodyGetter): { username: string; password: string } | undefined {
  if (booleanField(get, 'RepositoryAuthentication') !== true) return undefined;
  const username = stringField(get, 'RepositoryUsername');
  const password = stringField(get, 'RepositoryPassword');
  if (!password)
    throw new BadRequestError(
      'Invalid repository credentials',
      'RepositoryPassword is required when RepositoryAuthentication is true',
    );
  return { username, password };
}

/** The repository fields Portainer's create-from-git payloads share, checked. */
export interface GitSourceRequest {
  remote: GitRemote;
  reference: string;
  /** The file's path in the repository (the first of `pathKeys` given, else `defaultPath`). */
  path: string;
  credentials: { username: string; password: string } | undefined;
}

export function readGitSourceRequest(
  get: BodyGetter,
  pathKeys: readonly string[],
  defaultPath: string,
): GitSourceRequest {
  const url = checkRepositoryUrl(stringField(get, 'RepositoryURL'));
  const reference = checkReference(stringField(get, 'RepositoryReferenceName'));
  const given = pathKeys.map((k) => stringField(get, k)).find((p) => p !== '');
  const path = checkRepositoryPath(given ?? defaultPath);
  const tlsSkipVerify = booleanField(get, 'TLSSkipVerify') === true;
  const credentials = readCredentials(get);
  return { remote: { url, tlsSkipVerify, ...(credentials ?? {}) }, reference, path, credentials };
}
