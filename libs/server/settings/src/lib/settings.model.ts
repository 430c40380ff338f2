import { AuthenticationMethod } from '@capstan/contracts-api';

export interface LabelPair {
  name: string;
  value: string;
}

/** The stored settings document. Field names are Portainer's. */
export interface Settings {
  LogoURL: string;
  /** Where app templates come from (Portainer v3 JSON); empty: the file shipped with Capstan. */
  TemplatesURL: string;
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
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  LogoURL: '',
  TemplatesURL: '',
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
};

export const PASSWORD_LENGTH_RANGE = { min: 8, max: 128 } as const;
