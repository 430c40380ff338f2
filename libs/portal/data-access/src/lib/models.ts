import type { AuthLogResult } from '@capstan/contracts-api';

import type { components } from './api/schema';

/**
 * The portal's names for the API's shapes. They alias the generated schema, so a contract change breaks
 * the build here rather than at run time.
 */
type Schemas = components['schemas'];

export type User = Schemas['UserResponse'];
export type Team = Schemas['TeamResponse'];
export type TeamMembership = Schemas['TeamMembershipResponse'];
export type ApiKey = Schemas['ApiKeyResponse'];
export type SystemStatus = Schemas['StatusResponse'];
export type SystemVersion = Schemas['VersionResponse'];
export type PublicSettings = Schemas['PublicSettingsResponse'];
export type TotpStatus = Schemas['TotpStatusResponse'];
export type TotpEnrolment = Schemas['TotpEnrolmentResponse'];
/** Where a sign-in stands after the password: done, or a second step with its token. */
export type LoginStep = { step: 'done' } | { step: 'code' | 'enrol'; token: string };
export type Settings = Schemas['SettingsResponse'];
export type SettingsUpdate = Schemas['UpdateSettingsDto'];
export type LdapSettings = Schemas['LdapSettingsDto'];
export type LdapTestResult = Schemas['LdapTestResponse'];
export type UserUpdate = Schemas['UpdateUserDto'];
export type AuthLog = Schemas['AuthLogResponse'];
export type ActivityLog = Schemas['ActivityLogResponse'];

export interface LogFilter {
  offset?: number;
  limit?: number;
  /** Unix seconds. */
  before?: number;
  /** Unix seconds. */
  after?: number;
  username?: string;
  keyword?: string;
  /** Authentication log only. */
  type?: `${AuthLogResult}`;
}

export interface LogPage<T> {
  logs: T[];
  totalCount: number;
}
