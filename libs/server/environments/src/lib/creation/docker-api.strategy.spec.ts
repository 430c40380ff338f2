import { describe, expect, it } from 'vitest';
import { EnvironmentType } from '@capstan/contracts-api';
import { BadRequestError, UnprocessableError } from '@capstan/server-core';
import type { CreateEnvironmentInput } from './creation-strategy';
import { DockerApiCreation } from './docker-api.strategy';
import { FakeDockerPort, KEY_PEM, PEM } from './fakes.spec-support';

const input = (fields: Partial<CreateEnvironmentInput> = {}): CreateEnvironmentInput => ({
  EndpointCreationType: '1',
  files: {},
  ...fields,
});

function setup() {
  const docker = new FakeDockerPort();
  return { docker, strategy: new DockerApiCreation(docker) };
}

describe('DockerApiCreation (EndpointCreationType 1)', () => {
  it('drafts the local Docker socket by default', () => {
    const { strategy, docker } = setup();
    expect(strategy.draft(input())).toEqual({
      type: EnvironmentType.Docker,
      url: 'unix:///var/run/docker.sock',
      containerEngine: 'docker',
      tls: false,
      tlsSkipVerify: false,
      ca: undefined,
      cert: undefined,
      key: undefined,
    });
    expect(docker.connections).toEqual([]);
  });

  it('drafts a TCP engine with TLS and client certificates', () => {
    const { strategy } = setup();
    const draft = strategy.draft(
      input({
        URL: '10.0.0.5:2376',
        TLS: 'true',
        TLSSkipVerify: '1',
        ContainerEngine: 'Podman',
        files: { TLSCACertFile: PEM, TLSCertFile: PEM, TLSKeyFile: KEY_PEM },
      }),
    );
    expect(draft).toMatchObject({
      url: 'tcp://10.0.0.5:2376',
      containerEngine: 'podman',
      tls: true,
      tlsSkipVerify: true,
      ca: PEM,
      cert: PEM,
      key: KEY_PEM,
    });
  });

  it.each([
    ['an unknown engine', input({ ContainerEngine: 'containerd' }), 'Invalid container engine'],
    ['TLS on a unix socket', input({ TLS: 'true' }), 'Invalid TLS settings'],
    [
      'a certificate without its key',
      input({ URL: 'tcp://h:2376', TLS: 'true', files: { TLSCertFile: PEM } }),
      'Invalid TLS files',
    ],
    [
      'TLS files without TLS',
      input({ URL: 'tcp://h:2376', files: { TLSCACertFile: PEM } }),
      'Invalid TLS settings',
    ],
    [
      'a file that is not PEM',
      input({ URL: 'tcp://h:2376', TLS: 'true', files: { TLSCACertFile: 'nope' } }),
      'Invalid TLS file',
    ],
    ['a URL that is not one', input({ URL: 'ftp://h:21' }), 'Invalid environment URL'],
  ])('refuses %s with a 400', (_, form, message) => {
    const { strategy } = setup();
    let error: unknown;
    try {
      strategy.draft(form);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toBe(message);
  });

  it('probes the engine with the TLS material and a 5 s deadline', async () => {
    const { strategy, docker } = setup();
    const draft = strategy.draft(
      input({
        URL: 'tcp://h:2376',
        TLS: 'true',
        files: { TLSCACertFile: PEM, TLSCertFile: PEM, TLSKeyFile: KEY_PEM },
      }),
    );
    await expect(strategy.probe(draft)).resolves.toBe(draft);
    expect(docker.connections).toEqual([
      {
        url: 'tcp://h:2376',
        tls: true,
        tlsSkipVerify: false,
        ca: PEM,
        cert: PEM,
        key: KEY_PEM,
        timeoutMs: 5_000,
      },
    ]);
  });

  it('answers 422 when the engine does not answer', async () => {
    const { strategy, docker } = setup();
    docker.ping = () => Promise.reject(new Error('connect ECONNREFUSED'));
    const failure = strategy.probe(strategy.draft(input({ URL: 'tcp://h:2375' })));
    await expect(failure).rejects.toBeInstanceOf(UnprocessableError);
    await expect(failure).rejects.toMatchObject({
      message: 'Unable to reach the Docker engine',
      details: 'tcp://h:2375: connect ECONNREFUSED',
    });
  });

  it('answers 400 when the engine is not the one ContainerEngine names', async () => {
    const { strategy, docker } = setup();
    docker.version = () => Promise.resolve({ Version: '5.0.0', Components: [{ Name: 'Podman Engine' }] });
    await expect(strategy.probe(strategy.draft(input()))).rejects.toMatchObject({
      message: 'Container engine mismatch',
    });
    await expect(strategy.probe(strategy.draft(input({ ContainerEngine: 'podman' })))).resolves.toBeTruthy();
  });

  it('normalises a new URL without contacting the engine', async () => {
    const { strategy, docker } = setup();
    await expect(strategy.checkUrl('h:2375')).resolves.toEqual({ url: 'tcp://h:2375' });
    expect(docker.connections).toEqual([]);
  });
});
