// Brings in @fastify/multipart's typings for req.isMultipart() / req.parts().
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { BadRequestError, PayloadTooLargeError } from '../errors';

export interface MultipartForm {
  /** Text fields by lower-cased name (Portainer clients send either case). */
  readonly fields: Record<string, string>;
  /** File parts by lower-cased field name. */
  readonly files: Record<string, Buffer>;
}

/**
 * Reads a multipart form with limits: a file or field over `maxFileBytes`, or more parts than allowed, is a 413
 * (`tooLarge()`); a malformed body is a 400. A request that is not multipart is a 400 saying what to send.
 */
export async function readMultipartForm(
  req: FastifyRequest,
  opts: {
    maxFileBytes: number;
    /** A text field's cap; `maxFileBytes` when not given. */
    maxFieldBytes?: number;
    files: number;
    fields: number;
    expect: string;
    tooLarge: () => PayloadTooLargeError;
  },
): Promise<MultipartForm> {
  if (!req.isMultipart())
    throw new BadRequestError('Invalid request payload', `Send a multipart form ${opts.expect}`);
  const fields: Record<string, string> = {};
  const files: Record<string, Buffer> = {};
  try {
    for await (const part of req.parts({
      limits: {
        fileSize: opts.maxFileBytes,
        files: opts.files,
        fields: opts.fields,
        fieldSize: opts.maxFieldBytes ?? opts.maxFileBytes,
      },
    })) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (part.file.truncated) throw opts.tooLarge();
        files[part.fieldname.toLowerCase()] = data;
      } else {
        fields[part.fieldname.toLowerCase()] =
          typeof part.value === 'string' ? part.value : String(part.value);
      }
    }
  } catch (e) {
    if (e instanceof PayloadTooLargeError) throw e;
    const code = (e as { code?: string }).code ?? '';
    if (/FILE_TOO_LARGE|FIELDS?_LIMIT|FILES_LIMIT/.test(code)) throw opts.tooLarge();
    throw new BadRequestError('Invalid request payload', e instanceof Error ? e.message : String(e));
  }
  return { fields, files };
}
