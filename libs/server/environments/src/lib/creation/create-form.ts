// Brings in @fastify/multipart's typings for req.isMultipart() / req.parts().
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { BadRequestError, setActivityPayload } from '@capstan/server-core';
import type { CreateEnvironmentInput } from './creation-strategy';

export const TEXT_FIELDS = [
  'Name',
  'EndpointCreationType',
  'URL',
  'PublicURL',
  'GroupID',
  'TagIds',
  'TLS',
  'TLSSkipVerify',
  'ContainerEngine',
  'EdgeCheckinInterval',
] as const;
export const FILE_FIELDS = ['TLSCACertFile', 'TLSCertFile', 'TLSKeyFile'] as const;
export const MAX_TLS_FILE_BYTES = 64 * 1024;

/** Portainer's multipart form (or the same fields as JSON), TLS files read into memory with a size cap. */
export async function readCreateForm(req: FastifyRequest): Promise<CreateEnvironmentInput> {
  const input: CreateEnvironmentInput = { files: {} };
  const fields = input as unknown as Record<string, string | undefined>;
  if (!req.isMultipart()) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body))
      throw new BadRequestError('Invalid request payload', 'Send a multipart form or a JSON object');
    for (const [key, value] of Object.entries(body)) {
      const name = TEXT_FIELDS.find((f) => f.toLowerCase() === key.toLowerCase());
      if (name && value !== null && value !== undefined)
        fields[name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return input;
  }
  for await (const part of req.parts({ limits: { fileSize: MAX_TLS_FILE_BYTES, files: 3, fields: 30 } })) {
    if (part.type === 'file') {
      const name = FILE_FIELDS.find((f) => f.toLowerCase() === part.fieldname.toLowerCase());
      const data = await part.toBuffer();
      if (name) input.files[name] = data.toString('utf8');
    } else {
      const name = TEXT_FIELDS.find((f) => f.toLowerCase() === part.fieldname.toLowerCase());
      const value = part.value;
      if (name) fields[name] = typeof value === 'string' ? value : String(value);
    }
  }
  // The activity log sees the form's text fields (not the TLS files): "added environment <Name>".
  setActivityPayload(Object.fromEntries(Object.entries(input).filter(([key]) => key !== 'files')));
  return input;
}
