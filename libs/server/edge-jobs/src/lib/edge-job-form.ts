import type { FastifyRequest } from 'fastify';
import {
  BadRequestError,
  PayloadTooLargeError,
  readMultipartForm,
  validatedInstance,
} from '@capstan/server-core';
import { CreateEdgeJobDto, MAX_EDGE_JOB_SCRIPT } from './dto/edge-jobs.dto';
import type { EdgeJobInput } from './edge-jobs.service';

const tooLarge = () =>
  new PayloadTooLargeError('Script too large', `An edge job script is at most ${MAX_EDGE_JOB_SCRIPT} bytes`);

/** The creation input of `method` string (a JSON body) or file (a multipart form with a `file` part). */
export async function readEdgeJobInput(req: FastifyRequest, method: string): Promise<EdgeJobInput> {
  if (method === 'string') {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new BadRequestError('Invalid request payload', 'Send a JSON object');
    return toInput(
      validatedInstance(CreateEdgeJobDto, body as Record<string, unknown>, {
        implicitConversion: false,
        message: 'Invalid request payload',
      }),
    );
  }
  if (method !== 'file')
    throw new BadRequestError(
      'Invalid query parameter: method. Valid values are: file or string',
      'method is "string" (JSON) or "file" (multipart form)',
    );
  // The part limit is one byte over the script limit, so an oversized script is a 413 from here.
  const { fields, files } = await readMultipartForm(req, {
    maxFileBytes: MAX_EDGE_JOB_SCRIPT,
    files: 1,
    fields: 10,
    expect: 'with Name, CronExpression, Recurring, Endpoints, EdgeGroups and a "file" part',
    tooLarge,
  });
  const file = files['file'];
  if (file === undefined)
    throw new BadRequestError(
      'Invalid script file. Ensure that the file is uploaded correctly',
      'The form has no "file" part',
    );
  const dto = validatedInstance(
    CreateEdgeJobDto,
    {
      Name: fields['name'],
      CronExpression: fields['cronexpression'],
      Recurring: fields['recurring'] === undefined ? undefined : jsonField(fields['recurring'], 'Recurring'),
      Endpoints: fields['endpoints'] === undefined ? undefined : jsonField(fields['endpoints'], 'Endpoints'),
      EdgeGroups:
        fields['edgegroups'] === undefined ? undefined : jsonField(fields['edgegroups'], 'EdgeGroups'),
      FileContent: file.toString('utf8'),
    },
    { implicitConversion: false, message: 'Invalid request payload' },
  );
  return toInput(dto);
}

function jsonField(text: string, name: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestError('Invalid request payload', `${name} must be JSON (e.g. [1,2] or true)`);
  }
}

function toInput(dto: CreateEdgeJobDto): EdgeJobInput {
  return {
    name: dto.Name,
    cronExpression: dto.CronExpression,
    recurring: dto.Recurring ?? true,
    endpoints: dto.Endpoints ?? [],
    edgeGroups: dto.EdgeGroups ?? [],
    script: dto.FileContent,
  };
}
