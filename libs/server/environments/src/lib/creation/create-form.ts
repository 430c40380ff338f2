import type { FastifyRequest } from 'fastify';
import {
  BadRequestError,
  PayloadTooLargeError,
  readMultipartForm,
  setActivityPayload,
} from '@capstan/server-core';
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
/** Text fields: busboy's default cap, as before the form went through core's reader. */
const MAX_FIELD_BYTES = 1024 * 1024;

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
  const form = await readMultipartForm(req, {
    maxFileBytes: MAX_TLS_FILE_BYTES,
    maxFieldBytes: MAX_FIELD_BYTES,
    files: 3,
    fields: 30,
    expect: 'or a JSON object',
    tooLarge: () =>
      new PayloadTooLargeError('TLS file too large', `A TLS file is at most ${MAX_TLS_FILE_BYTES} bytes`),
  });
  for (const name of TEXT_FIELDS) {
    const value = form.fields[name.toLowerCase()];
    if (value !== undefined) fields[name] = value;
  }
  for (const name of FILE_FIELDS) {
    const data = form.files[name.toLowerCase()];
    if (data !== undefined) input.files[name] = data.toString('utf8');
  }
  // The activity log sees the form's text fields (not the TLS files): "added environment <Name>".
  setActivityPayload(Object.fromEntries(Object.entries(input).filter(([key]) => key !== 'files')));
  return input;
}
