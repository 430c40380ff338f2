import { rm } from 'node:fs/promises';
import type { FastifyRequest } from 'fastify';
import { BadRequestError, PayloadTooLargeError, readMultipartForm } from '@capstan/server-core';
import type { GitService } from '@capstan/server-git';
import { MAX_STACK_FILE, readRepositorySource, type StoredGitConfig } from '@capstan/server-stacks';

/** What every create method yields, before the service checks it. */
export interface EdgeStackInput {
  readonly name: unknown;
  readonly content: unknown;
  readonly edgeGroups: unknown;
  readonly deploymentType: unknown;
  readonly registries: unknown;
  readonly envVars: unknown;
  readonly git?: StoredGitConfig;
}

const tooLarge = () =>
  new PayloadTooLargeError('Stack file too large', `A stack file is at most ${MAX_STACK_FILE} bytes`);

/**
 * `POST /api/edge_stacks/create/{string|file|repository}`: JSON (string, repository — keys in any case) or a
 * multipart form (file: `Name`, `file`, and `EdgeGroups`, `Registries`, `EnvVars` as JSON text). Repository
 * sources are fetched from git here, before anything is written.
 */
export async function readEdgeStackInput(
  req: FastifyRequest,
  method: string,
  git: GitService,
  dataDir: string,
): Promise<EdgeStackInput> {
  if (method === 'file') {
    const { fields, files } = await readMultipartForm(req, {
      maxFileBytes: MAX_STACK_FILE,
      files: 1,
      fields: 20,
      expect: 'with a "file" part',
      tooLarge,
    });
    const file = Object.values(files)[0];
    if (file === undefined) throw new BadRequestError('Invalid stack file', 'The form has no "file" part');
    return {
      name: fields['name'],
      content: file.toString('utf8'),
      edgeGroups: jsonField(fields, 'edgegroups', 'EdgeGroups'),
      deploymentType: fields['deploymenttype'] === undefined ? undefined : Number(fields['deploymenttype']),
      registries: jsonField(fields, 'registries', 'Registries'),
      envVars: jsonField(fields, 'envvars', 'EnvVars') ?? jsonField(fields, 'env', 'Env'),
    };
  }
  if (method !== 'string' && method !== 'repository')
    throw new BadRequestError('Invalid method', 'method is "string", "file" or "repository"');
  const get = bodyReader(req.body);
  const source = method === 'repository' ? await readRepositorySource(git, dataDir, get) : undefined;
  // Only the entry file is kept (versioned with the stack); the checkout is not needed after reading it.
  if (source) await rm(source.stagingDir, { recursive: true, force: true });
  return {
    name: get('Name'),
    content: source ? source.content : get('StackFileContent'),
    edgeGroups: get('EdgeGroups'),
    deploymentType: get('DeploymentType'),
    registries: get('Registries'),
    envVars: get('EnvVars') ?? get('Env'),
    ...(source ? { git: source.config } : {}),
  };
}

/** A JSON object body's fields by case-insensitive key; 400 for anything but an object. */
export function bodyReader(body: unknown): (key: string) => unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequestError('Invalid request payload', 'Send a JSON object');
  const entries = Object.entries(body as Record<string, unknown>);
  return (k) => entries.find(([key]) => key.toLowerCase() === k.toLowerCase())?.[1];
}

function jsonField(fields: Record<string, string>, key: string, label: string): unknown {
  const raw = fields[key];
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new BadRequestError(`Invalid ${label}`, `${label} must be JSON`);
  }
}
