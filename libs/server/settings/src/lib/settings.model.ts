import { AuthenticationMethod } from '@capstan/contracts-api';

export interface LabelPair {
  name: string;
  value: string;
}

/** The stored settings document. Field names are Portainer's. */
export interface Settings {
  LogoURL: string;
  BlackListedLabels: LabelPair[];
  AuthenticationMethod: AuthenticationMethod;
  InternalAuthSettings: { RequiredPasswordLength: number };
  UserSessionTimeout: string;
  SnapshotInterval: string;
  /** Capstan: environments snapshotted at once. */
  SnapshotConcurrency: number;
  /** Capstan: deadline of one environment's snapshot (Go duration). */
  SnapshotTimeout: string;
  EnableTelemetry: boolean;
  EnableEdgeComputeFeatures: boolean;
  AuditLogRetentionDays: number;
  /** Edge agents' poll interval in seconds (an environment's own EdgeCheckinInterval wins when set). */
  EdgeAgentCheckinInterval: number;
  /** The server URL put in edge keys; empty: the URL the creation request came in on. */
  EdgePortainerURL: string;
  /** host:port of the tunnel put in edge keys; empty: the server URL's host and the tunnel port. */
  TunnelServerAddress: string;
  /** Agents presenting a global key are trusted at once instead of waiting in the waiting room. */
  TrustOnFirstConnect: boolean;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  LogoURL: '',
  BlackListedLabels: [],
  AuthenticationMethod: AuthenticationMethod.Internal,
  InternalAuthSettings: { RequiredPasswordLength: 12 },
  UserSessionTimeout: '8h',
  SnapshotInterval: '5m',
  SnapshotConcurrency: 8,
  SnapshotTimeout: '10s',
  EnableTelemetry: false,
  EnableEdgeComputeFeatures: false,
  AuditLogRetentionDays: 90,
  EdgeAgentCheckinInterval: 5,
  EdgePortainerURL: '',
  TunnelServerAddress: '',
  TrustOnFirstConnect: false,
};

export const PASSWORD_LENGTH_RANGE = { min: 8, max: 128 } as const;
