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
  /** Capstan: who must sign in with a second factor (TOTP) on top of the password (local accounts). */
  TwoFactorPolicy: TwoFactorPolicy;
}

export const TWO_FACTOR_POLICIES = ['optional', 'administrators', 'everyone'] as const;
export type TwoFactorPolicy = (typeof TWO_FACTOR_POLICIES)[number];

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
  TwoFactorPolicy: 'optional',
};

export const PASSWORD_LENGTH_RANGE = { min: 8, max: 128 } as const;
