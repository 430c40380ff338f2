// Brings in @fastify/multipart's typings for req.isMultipart() / req.parts().
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { BadRequestError, PayloadTooLargeError } from '@capstan/server-core';
import type { StackEnvVar } from './deploy-runner';
import { MAX_STACK_FILE } from './dto/stacks.dto';
import type { CreateStackInput } from './stacks.service';

/**
 * Portainer's `file` method: a multipart form with `Name`, `file` (the compose file), `Env` (JSON
 * `[{name, value}]`), `SwarmID`. Field names matched case-insensitively.
 */
export async function readStackForm(req: FastifyRequest): Promise<CreateStackInput> {
  if (!req.isMultipart())
    throw new BadRequestError('Invalid request payload', 'Send a multipart form with a "file" part');
  const fields: Record<string, string> = {};
  let content: string | undefined;
  try {
    for await (const part of req.parts({
      limits: { fileSize: MAX_STACK_FILE, files: 1, fields: 20, fieldSize: MAX_STACK_FILE },
    })) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (part.file.truncated) throw tooLarge();
        content = data.toString('utf8');
      } else {
        fields[part.fieldname.toLowerCase()] =
          typeof part.value === 'string' ? part.value : String(part.value);
      }
    }
  } catch (e) {
    if (e instanceof PayloadTooLargeError) throw e;
    const code = (e as { code?: string }).code ?? '';
    if (/FILE_TOO_LARGE|FIELDS?_LIMIT|FILES_LIMIT/.test(code)) throw tooLarge();
    throw new BadRequestError('Invalid request payload', e instanceof Error ? e.message : String(e));
  }
  if (content === undefined) throw new BadRequestError('Invalid stack file', 'The form has no "file" part');
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
