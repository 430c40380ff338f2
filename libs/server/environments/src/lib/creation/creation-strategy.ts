import type { EndpointCreationType, EnvironmentType } from '@capstan/contracts-api';

/** `POST /api/endpoints` as read from the multipart form (or JSON): Portainer's field names, text values. */
export interface CreateEnvironmentInput {
  Name?: string;
  EndpointCreationType?: string;
  URL?: string;
  PublicURL?: string;
  GroupID?: string;
  TagIds?: string;
  TLS?: string;
  TLSSkipVerify?: string;
  ContainerEngine?: string;
  EdgeCheckinInterval?: string;
  files: { TLSCACertFile?: string; TLSCertFile?: string; TLSKeyFile?: string };
}

/** What a strategy decides about a new environment; the service adds name, group, tags and stores it. */
export interface EnvironmentDraft {
  readonly type: EnvironmentType;
  readonly url: string;
  readonly containerEngine: 'docker' | 'podman';
  readonly tls: boolean;
  readonly tlsSkipVerify: boolean;
  /** PEM text as uploaded; the service seals it before storing. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Agents: the version the agent reported. */
  readonly agentVersion?: string;
  /** Edge agents: poll interval, and the key of the stored row (it carries the environment id). */
  readonly edge?: { readonly checkinInterval: number; readonly keyFor?: (id: number) => string };
}

/** Where an environment of this kind now lives, after a change of URL was checked. */
export interface CheckedUrl {
  readonly url: string;
  readonly agentVersion?: string | null;
}

/** Wait for an engine or agent to answer while creating or moving an environment. */
export const PING_TIMEOUT_MS = 5_000;

/**
 * One way to add an environment (one `EndpointCreationType`). Edge and Kubernetes come as further strategies,
 * registered in `CREATION_STRATEGIES`; the service never branches on the kind.
 */
export abstract class CreationStrategy {
  abstract readonly creationType: EndpointCreationType;
  /** The `EnvironmentType` of what this strategy creates (for changes to such environments later). */
  abstract readonly environmentType: EnvironmentType;

  /** Reads and checks this kind's fields (400 on bad input). Contacts nothing, writes nothing. */
  abstract draft(input: CreateEnvironmentInput): EnvironmentDraft;

  /**
   * Checks the engine or agent answers as this kind expects (422 when it does not), returning the draft completed
   * with what it reported. Writes nothing.
   */
  abstract probe(draft: EnvironmentDraft): Promise<EnvironmentDraft>;

  /** A new URL for an existing environment of this kind, normalised and checked as this kind requires. */
  abstract checkUrl(raw: string, current: CheckedUrl): Promise<CheckedUrl>;
}
