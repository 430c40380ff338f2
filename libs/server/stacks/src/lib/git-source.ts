import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { BadRequestError } from '@capstan/server-core';
import {
  type BodyGetter,
  type GitService,
  type StoredGitConfig,
  booleanField as boolOf,
  bodyGetter,
  checkRepositoryPath,
  readGitSourceRequest,
  stringField as stringOf,
} from '@capstan/server-git';

export { bodyGetter, gitConfigView, readCredentials, type StoredGitConfig } from '@capstan/server-git';

/** Portainer's AutoUpdate of a git stack (`auto_update`). `Interval` is a Go duration ("5m", "1h30m"). */
export interface StackAutoUpdate {
  Interval: string;
  Webhook: string;
  ForceUpdate: boolean;
  ForcePullImage: boolean;
  /** Portainer's scheduler job id; Capstan keys its jobs by stack id and answers the stack id here. */
  JobID: string;
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
  const source = readGitSourceRequest(
    get,
    ['ComposeFile', 'ComposeFilePathInRepository'],
    'docker-compose.yml',
  );
  const composeFile = source.path;
  const additionalFiles = readAdditionalFiles(get('AdditionalFiles'), composeFile);
  const autoUpdate = readAutoUpdate(get('AutoUpdate'), '');
  const stagingDir = join(dataDir, 'tmp', `stack-git-${randomUUID()}`);
  const checkout = await git.checkoutInto(
    source.remote,
    source.reference,
    [composeFile, ...additionalFiles],
    stagingDir,
  );
  return {
    content: checkout.files[0]?.content ?? '',
    files: checkout.files,
    additionalFiles,
    autoUpdate,
    stagingDir,
    config: git.storedConfig(source, checkout.commit),
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
