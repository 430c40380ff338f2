import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fastify, { type FastifyInstance } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import { DomainError } from '@capstan/server-core';
import { readCreateForm } from './create-form';
import { PEM } from './fakes.spec-support';

// The form is read by the real parser (@fastify/multipart on an in-process Fastify, requests injected).

describe('readCreateForm', () => {
  let app: FastifyInstance;

  beforeEach(async () => {
    app = fastify();
    await app.register(fastifyMultipart, { limits: { fileSize: 1024 * 1024, files: 10, fields: 50 } });
    app.post('/', async (req, reply) => {
      try {
        return await readCreateForm(req);
      } catch (e) {
        const status =
          e instanceof DomainError ? e.status : ((e as { statusCode?: number }).statusCode ?? 500);
        return reply.status(status).send({ message: (e as Error).message });
      }
    });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
  });

  const send = (payload: FormData | string, contentType?: string) =>
    app.inject({
      method: 'POST',
      url: '/',
      payload,
      ...(contentType ? { headers: { 'content-type': contentType } } : {}),
    });

  it("reads Portainer's multipart fields, whatever their case, and the TLS files as text", async () => {
    const form = new FormData();
    form.append('name', 'prod');
    form.append('EndpointCreationType', '1');
    form.append('url', 'tcp://h:2376');
    form.append('TagIds', '[1,2]');
    form.append('TLS', 'true');
    form.append('Unknown', 'ignored');
    form.append('TLSCACertFile', new Blob([PEM]), 'ca.pem');
    form.append('tlscertfile', new Blob([PEM]), 'cert.pem');
    form.append('Other', new Blob(['x']), 'x.bin');
    const r = await send(form);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      Name: 'prod',
      EndpointCreationType: '1',
      URL: 'tcp://h:2376',
      TagIds: '[1,2]',
      TLS: 'true',
      files: { TLSCACertFile: PEM, TLSCertFile: PEM },
    });
  });

  it('refuses a TLS file over 64 KiB with 413', async () => {
    const form = new FormData();
    form.append('Name', 'prod');
    form.append('TLSCACertFile', new Blob(['a'.repeat(64 * 1024 + 1)]), 'ca.pem');
    expect((await send(form)).statusCode).toBe(413);
  });

  it('accepts the same fields as JSON, non-string values as JSON text', async () => {
    const r = await send(
      JSON.stringify({ Name: 'prod', endpointCreationType: 2, TagIds: [3], TLS: false, Extra: 1 }),
      'application/json',
    );
    expect(r.json()).toEqual({
      Name: 'prod',
      EndpointCreationType: '2',
      TagIds: '[3]',
      TLS: 'false',
      files: {},
    });
  });

  it('refuses a JSON body that is not an object with 400', async () => {
    const r = await send('[1]', 'application/json');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ message: 'Invalid request payload' });
  });
});
