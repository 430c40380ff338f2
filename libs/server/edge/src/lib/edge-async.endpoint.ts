import { Injectable } from '@nestjs/common';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AGENT_HEADERS, EDGE_HEADERS } from '@capstan/contracts-agent';
import {
  BadRequestError,
  DomainError,
  PayloadTooLargeError,
  mapError,
  type CapstanLogger,
} from '@capstan/server-core';
import { EdgeAsyncCommand } from './edge-poll.command';
import { EdgeAsyncService } from './edge-async.service';

/** Decompressed async bodies are refused past this (a snapshot of a large host is a few MB). */
export const EDGE_ASYNC_BODY_LIMIT = 64 * 1024 * 1024;
/** Bytes on the wire (gzip compresses Docker's JSON about 10×). */
export const EDGE_ASYNC_WIRE_LIMIT = 16 * 1024 * 1024;

const gunzipAsync = promisify(gunzip);

/**
 * The body as the content-type parser of the route's scope hands it over: JSON (gunzipped when the agent sent it
 * compressed), or the error the handler answers with (a parser's own failure would bypass `{message, details}`).
 */
export async function decodeEdgeAsyncBody(raw: Buffer, encoding: string | undefined): Promise<unknown> {
  try {
    let bytes = raw;
    const coding = (encoding ?? '').trim().toLowerCase();
    if (coding === 'gzip') {
      bytes = await gunzipAsync(raw, { maxOutputLength: EDGE_ASYNC_BODY_LIMIT }).catch((e: Error) => {
        throw /maxOutputLength|Cannot create a Buffer/i.test(e.message)
          ? new PayloadTooLargeError('Request body too large', `The limit is ${EDGE_ASYNC_BODY_LIMIT / 1048576} MB uncompressed`)
          : new BadRequestError('Invalid edge async request', `The body is not valid gzip: ${e.message}`);
      });
    } else if (coding !== '' && coding !== 'identity')
      throw new BadRequestError('Invalid edge async request', `Unsupported Content-Encoding ${coding}`);
    if (bytes.length === 0) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch (e) {
      throw new BadRequestError('Malformed JSON body', (e as Error).message);
    }
  } catch (e) {
    return e instanceof DomainError ? e : new BadRequestError('Invalid edge async request', String(e));
  }
}

/**
 * `POST /api/endpoints/edge/async` as a raw Fastify route (registered by the server's HTTP pipeline in a scope of
 * its own): the agent gzips bodies that carry a snapshot (`Content-Encoding: gzip`) and a snapshot can exceed the
 * API's 1 MB JSON limit, so the body is read here — bounded before and after decompression — not by the global
 * parser. Headers and body become an `EdgeAsyncCommand` (400 before anything is read); errors are
 * `{message, details}` as everywhere.
 */
@Injectable()
export class EdgeAsyncEndpoint {
  constructor(private readonly service: EdgeAsyncService) {}

  async handle(request: FastifyRequest, reply: FastifyReply, logger: CapstanLogger): Promise<void> {
    try {
      const body = request.body;
      if (body instanceof DomainError) throw body;
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body)))
        throw new BadRequestError('Invalid edge async request', 'The body must be a JSON object');
      const fields = (body ?? {}) as Record<string, unknown>;
      const h = (name: string): string | undefined => {
        const v = request.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      };
      const snapshotKey = Object.keys(fields).find((k) => k.toLowerCase() === 'snapshot');
      const { [snapshotKey ?? 'snapshot']: snapshot, ...rest } = fields;
      const cmd = EdgeAsyncCommand.parse({
        ...rest,
        edgeId: h(EDGE_HEADERS.edgeId),
        secret: h(EDGE_HEADERS.edgeSecret),
        platform: h(AGENT_HEADERS.platform),
        version: h(AGENT_HEADERS.agent),
      });
      const answer = await this.service.handle(cmd, snapshot);
      if (answer.secret) void reply.header(EDGE_HEADERS.edgeSecret, answer.secret);
      await reply.status(200).header('Content-Type', 'application/json').send(JSON.stringify(answer.body));
    } catch (e) {
      const mapped = mapError(e);
      if (mapped.status >= 500) logger.write('error', 'edge async request failed', { error: String(e) });
      await reply
        .status(mapped.status)
        .headers({ ...mapped.headers, 'Content-Type': 'application/json; charset=utf-8' })
        .send(JSON.stringify(mapped.body));
    }
  }
}
