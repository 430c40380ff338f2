import { Injectable } from '@nestjs/common';
import { encodeEdgeKey } from '@capstan/contracts-agent';
import { EndpointCreationType, EnvironmentType } from '@capstan/contracts-api';
import { BadRequestError, CAPSTAN_CONFIG, type CapstanConfig } from '@capstan/server-core';
import { SettingsService } from '@capstan/server-settings';
import { Inject } from '@nestjs/common';
import { TunnelHostKeyService } from '../edge/tunnel-host-key.service';
import {
  CreationStrategy,
  type CheckedUrl,
  type CreateEnvironmentInput,
  type EnvironmentDraft,
} from './creation-strategy';

/**
 * `EndpointCreationType` 4, the edge agent: nothing to probe (the agent calls in). The form's `URL` is this
 * server's URL as the agents reach it (Portainer's form field); the settings' EdgePortainerURL and
 * TunnelServerAddress win when set. The key (`url|tunnel|fingerprint|id`) needs the id, so the draft carries
 * a function the service calls once the row exists, in the same unit of work.
 */
@Injectable()
export class EdgeCreation extends CreationStrategy {
  readonly creationType = EndpointCreationType.EdgeAgent;
  readonly environmentType = EnvironmentType.EdgeAgent;

  constructor(
    private readonly hostKey: TunnelHostKeyService,
    private readonly settings: SettingsService,
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
  ) {
    super();
  }

  draft(input: CreateEnvironmentInput): EnvironmentDraft {
    const url = parseServerUrl(input.URL);
    const interval =
      input.EdgeCheckinInterval === undefined || input.EdgeCheckinInterval === ''
        ? 0
        : Number(input.EdgeCheckinInterval);
    if (!Number.isInteger(interval) || interval < 0 || interval > 3600)
      throw new BadRequestError(
        'Invalid EdgeCheckinInterval',
        'EdgeCheckinInterval must be 0–3600 seconds (0: the setting)',
      );
    return {
      type: EnvironmentType.EdgeAgent,
      url,
      containerEngine: 'docker',
      tls: false,
      tlsSkipVerify: false,
      edge: { checkinInterval: interval },
    };
  }

  async probe(draft: EnvironmentDraft): Promise<EnvironmentDraft> {
    const s = await this.settings.get();
    const serverUrl = s.EdgePortainerURL || draft.url;
    const tunnelAddr = s.TunnelServerAddress || `${new URL(serverUrl).hostname}:${this.config.tunnelPort}`;
    const fingerprint = this.hostKey.fingerprint;
    return {
      ...draft,
      url: serverUrl,
      edge: {
        checkinInterval: draft.edge?.checkinInterval ?? 0,
        keyFor: (id) => encodeEdgeKey({ portainerUrl: serverUrl, tunnelAddr, fingerprint, endpointId: id }),
      },
    };
  }

  /** The server URL of an edge environment is informative only (the agent holds its key). */
  checkUrl(raw: string, current: CheckedUrl): Promise<CheckedUrl> {
    return Promise.resolve({ ...current, url: parseServerUrl(raw) });
  }
}

function parseServerUrl(raw: string | undefined): string {
  const text = (raw ?? '').trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadRequestError(
      'Invalid URL',
      'URL must be the server URL the edge agents reach, e.g. https://capstan.example.com:9443',
    );
  }
  if (!['http:', 'https:'].includes(url.protocol) || text.includes('|') || text.length > 2048)
    throw new BadRequestError('Invalid URL', 'URL must be an http(s) URL without |');
  return text.replace(/\/+$/, '');
}
