import type { FastifyRequest } from 'fastify';
import { BadRequestError, PayloadTooLargeError, readMultipartForm } from '@capstan/server-core';
import type { StackEnvVar } from './deploy-runner';
import { MAX_STACK_FILE } from './dto/stacks.dto';
import type { CreateStackInput } from './stacks.service';

/**
 * Portainer's `file` method: a multipart form with `Name`, `file` (the compose file), `Env` (JSON
 * `[{name, value}]`), `SwarmID`. Field names matched case-insensitively.
 */
export async function readStackForm(req: FastifyRequest): Promise<CreateStackInput> {
  const { fields, files } = await readMultipartForm(req, {
    maxFileBytes: MAX_STACK_FILE,
    files: 1,
    fields: 20,
    expect: 'with a "file" part',
    tooLarge,
  });
  const file = Object.values(files)[0];
  if (file === undefined) throw new BadRequestError('Invalid stack file', 'The form has no "file" part');
  const content = file.toString('utf8');
  let env: StackEnvVar[] | undefined;
  if (fields['env'] !== undefined && fields['env'] !== '') {
    try {
      env = JSON.parse(fields['env']) as StackEnvVar[];
    } catch {
      throw new BadRequestError('Invalid Env', 'Env must be JSON: [{"name": "...", "value": "..."}]');
    }
    if (!Array.isArray(env)) throw new BadRequestError('Invalid Env', 'Env must be a JSON array');
  }
  return {
    name: fields['name'] ?? '',
    content,
    env,
    swarmId: fields['swarmid'],
  };
}

const tooLarge = () =>
  new PayloadTooLargeError('Stack file too large', `A stack file is at most ${MAX_STACK_FILE} bytes`);
