import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { BadRequestError } from '@capstan/server-core';
import {
  type GitRemote,
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

/** Portainer's AutoUpdate of a git stack (`auto_update`). `Interval` is a Go duration ("5m", "1h30m"). */
export interface StackAutoUpdate {
  Interval: string;
  Webhook: string;
  ForceUpdate: boolean;
  ForcePullImage: boolean;
  /** Portainer's scheduler job id; Capstan keys its jobs by stack id and answers the stack id here. */
  JobID: string;
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

function stringOf(get: BodyGetter, key: string, fallback = ''): string {
  const v = get(key);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw new BadRequestError(`Invalid ${key}`, `${key} must be a string`);
  return v;
}

function boolOf(get: BodyGetter, key: string): boolean | undefined {
  const v = get(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new BadRequestError(`Invalid ${key}`, `${key} must be a boolean`);
  return v;
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:h|m|s|ms))+$/;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
/** Shortest interval accepted (Portainer takes any Go duration; below a second is a busy loop). */
export const MIN_INTERVAL_MS = 1000;

/** A Go duration ("1h30m", "90s", "1.5h") in milliseconds; undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g))
    total += Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 0);
  return Math.round(total);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `AutoUpdate` of a request: null (off) or checked; an interval of at least a second, a webhook a UUID. */
export function readAutoUpdate(value: unknown, jobId: string): StackAutoUpdate | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new BadRequestError('Invalid AutoUpdate', 'AutoUpdate must be an object');
  const get = bodyGetter(value);
  const interval = stringOf(get, 'Interval');
  const webhook = stringOf(get, 'Webhook');
  if (interval) {
    const ms = parseGoDuration(interval);
    if (ms === undefined || ms < MIN_INTERVAL_MS)
      throw new BadRequestError(
        'Invalid AutoUpdate',
        'Interval is a duration of at least 1s like "5m" or "1h30m"',
      );
  }
  if (webhook && !UUID.test(webhook))
    throw new BadRequestError('Invalid AutoUpdate', 'Webhook must be a UUID');
  if (!interval && !webhook) return null;
  return {
    Interval: interval,
    Webhook: webhook.toLowerCase(),
    ForceUpdate: boolOf(get, 'ForceUpdate') === true,
    ForcePullImage: boolOf(get, 'ForcePullImage') === true,
    JobID: interval ? jobId : '',
  };
}

export function intervalMs(auto: StackAutoUpdate | null): number | undefined {
  return auto?.Interval ? parseGoDuration(auto.Interval) : undefined;
}

/** `AdditionalFiles`: paths inside the repository, at most 20, no duplicates. */
export function readAdditionalFiles(value: unknown, entry: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 20)
    throw new BadRequestError('Invalid AdditionalFiles', 'AdditionalFiles is a list of at most 20 paths');
  const out: string[] = [];
  for (const p of value) {
    const path = checkRepositoryPath(p);
    if (path === entry || out.includes(path))
      throw new BadRequestError('Invalid AdditionalFiles', `${path} is given twice`);
    out.push(path);
  }
  return out;
}

/** Credentials of a request (`RepositoryAuthentication`, `RepositoryUsername`, `RepositoryPassword`). */
export function readCredentials(get: BodyGetter): { username: string; password: string } | undefined {
  if (boolOf(get, 'RepositoryAuthentication') !== true) return undefined;
  const username = stringOf(get, 'RepositoryUsername');
  const password = stringOf(get, 'RepositoryPassword');
  if (!password)
    throw new BadRequestError(
      'Invalid repository credentials',
      'RepositoryPassword is required when RepositoryAuthentication is true',
    );
  return { username, password };
}

/** A git stack's source read from its repository: the checkout in a staging dir the caller moves or removes. */
export interface RepositorySource {
  /** The entry file's content. */
  content: string;
  /** Every compose file (entry first), as read at `config.ConfigHash`. */
  files: { path: string; content: string }[];
  config: StoredGitConfig;
  additionalFiles: string[];
  autoUpdate: StackAutoUpdate | null;
  /** The checkout (under `<data>/tmp`), to be renamed into the stack's git dir or removed. */
  stagingDir: string;
}

/**
 * The repository fields of `POST /api/stacks/create/{type}/repository` (keys in any case): checked, then the
 * repository checked out into a staging dir and the compose files read — before any record is written, so an
 * unreachable URL, wrong credentials, an unknown reference or a missing file is a 400 with no stack.
 */
export async function readRepositorySource(
  git: GitService,
  dataDir: string,
  get: BodyGetter,
): Promise<RepositorySource> {
  const url = checkRepositoryUrl(stringOf(get, 'RepositoryURL'));
  const reference = checkReference(stringOf(get, 'RepositoryReferenceName'));
  const composeFile = checkRepositoryPath(
    stringOf(get, 'ComposeFile') || stringOf(get, 'ComposeFilePathInRepository') || 'docker-compose.yml',
  );
  const additionalFiles = readAdditionalFiles(get('AdditionalFiles'), composeFile);
  const tlsSkipVerify = boolOf(get, 'TLSSkipVerify') === true;
  const credentials = readCredentials(get);
  const autoUpdate = readAutoUpdate(get('AutoUpdate'), '');
  const remote: GitRemote = { url, tlsSkipVerify, ...(credentials ?? {}) };
  const stagingDir = join(dataDir, 'tmp', `stack-git-${randomUUID()}`);
  const checkout = await git.checkoutInto(remote, reference, [composeFile, ...additionalFiles], stagingDir);
  return {
    content: checkout.files[0]?.content ?? '',
    files: checkout.files,
    additionalFiles,
    autoUpdate,
    stagingDir,
    config: {
      URL: url,
      ReferenceName: reference,
      ConfigFilePath: composeFile,
      ConfigHash: checkout.commit,
      TLSSkipVerify: tlsSkipVerify,
      ...(credentials ? { Authentication: git.seal(credentials.username, credentials.password) } : {}),
    },
  };
}

/** `Env` of a request: `[{name, value}]` with keys in any case (checked further by the stacks service). */
export function envList(value: unknown): { name: string; value: string }[] {
  if (!Array.isArray(value)) throw new BadRequestError('Invalid Env', 'Env must be an array');
  return value.map((v) => {
    if (typeof v !== 'object' || v === null)
      throw new BadRequestError('Invalid Env', 'Each Env entry is {name, value}');
    const e = Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k.toLowerCase(), x]),
    );
    if (typeof e['name'] !== 'string' || typeof (e['value'] ?? '') !== 'string')
      throw new BadRequestError('Invalid Env', 'Each Env entry is {name: string, value: string}');
    return { name: e['name'], value: (e['value'] ?? '') as string };
  });
}
