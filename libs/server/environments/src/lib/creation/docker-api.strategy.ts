import { Injectable } from '@nestjs/common';
import { EndpointCreationType, EnvironmentType } from '@capstan/contracts-api';
import { BadRequestError, UnprocessableError, readFlag } from '@capstan/server-core';
import { assertPem, normaliseEngineUrl } from '../connection-url';
import { DockerPort } from '../engine/engine-reader';
import { isPodmanVersion } from '../snapshot.model';
import {
  CreationStrategy,
  PING_TIMEOUT_MS,
  type CheckedUrl,
  type CreateEnvironmentInput,
  type EnvironmentDraft,
} from './creation-strategy';

/**
 * `EndpointCreationType` 1: a Docker-compatible engine (Docker or Podman) reached directly — the local socket
 * (`unix://`, the default) or the Docker API over TCP, with TLS and client certificates when asked.
 */
@Injectable()
export class DockerApiCreation extends CreationStrategy {
  readonly creationType = EndpointCreationType.LocalDocker;
  readonly environmentType = EnvironmentType.Docker;

  constructor(private readonly docker: DockerPort) {
    super();
  }

  draft(input: CreateEnvironmentInput): EnvironmentDraft {
    const engine = (input.ContainerEngine ?? 'docker').toLowerCase() || 'docker';
    if (engine !== 'docker' && engine !== 'podman') {
      throw new BadRequestError('Invalid container engine', 'ContainerEngine must be "docker" or "podman"');
    }
    const url = normaliseEngineUrl(input.URL);
    const tls = readFlag(input.TLS) === true;
    if (tls && url.startsWith('unix://'))
      throw new BadRequestError('Invalid TLS settings', 'TLS applies to tcp:// URLs only');
    const { TLSCACertFile: ca, TLSCertFile: cert, TLSKeyFile: key } = input.files;
    assertPem('TLSCACertFile', ca);
    assertPem('TLSCertFile', cert);
    assertPem('TLSKeyFile', key);
    if ((cert === undefined) !== (key === undefined)) {
      throw new BadRequestError('Invalid TLS files', 'TLSCertFile and TLSKeyFile go together');
    }
    if (!tls && (ca ?? cert ?? key) !== undefined)
      throw new BadRequestError('Invalid TLS settings', 'TLS files need TLS=true');
    return {
      type: EnvironmentType.Docker,
      url,
      containerEngine: engine,
      tls,
      tlsSkipVerify: readFlag(input.TLSSkipVerify) === true,
      ca,
      cert,
      key,
    };
  }

  /** Ping and version within 5 s; the engine must be what `ContainerEngine` says (Docker or Podman). */
  async probe(draft: EnvironmentDraft): Promise<EnvironmentDraft> {
    const client = this.docker.connect({
      url: draft.url,
      tls: draft.tls,
      tlsSkipVerify: draft.tlsSkipVerify,
      ca: draft.ca,
      cert: draft.cert,
      key: draft.key,
      timeoutMs: PING_TIMEOUT_MS,
    });
    let version: Record<string, unknown>;
    try {
      await client.ping();
      version = await client.version();
    } catch (e) {
      throw new UnprocessableError(
        'Unable to reach the Docker engine',
        `${draft.url}: ${e instanceof Error ? e.message : String(e)}`.slice(0, 500),
      );
    }
    const isPodman = isPodmanVersion(version);
    if (isPodman !== (draft.containerEngine === 'podman')) {
      throw new BadRequestError(
        'Container engine mismatch',
        `The engine at ${draft.url} is ${isPodman ? 'Podman' : 'Docker'}; set ContainerEngine to "${isPodman ? 'podman' : 'docker'}"`,
      );
    }
    return draft;
  }

  /** A moved engine is normalised only (as before): the next snapshot tells whether it answers. */
  checkUrl(raw: string): Promise<CheckedUrl> {
    return Promise.resolve({ url: normaliseEngineUrl(raw) });
  }
}
