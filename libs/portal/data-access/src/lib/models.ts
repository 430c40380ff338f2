import type { components } from './api/schema';

/**
 * The portal's names for the API's shapes. They alias the generated schema, so a contract change breaks
 * the build here rather than at run time.
 */
type Schemas = components['schemas'];

export type User = Schemas['User'];
export type Team = Schemas['Team'];
export type TeamMembership = Schemas['TeamMembership'];
export type ApiKey = Schemas['ApiKey'];
export type SystemStatus = Schemas['SystemStatus'];
export type SystemVersion = Schemas['SystemVersion'];
export type PublicSettings = Schemas['PublicSettings'];
export type Settings = Schemas['Settings'];
export type AuthLog = Schemas['AuthLog'];
export type ActivityLog = Schemas['ActivityLog'];

export interface LogFilter {
  offset?: number;
  limit?: number;
  /** Unix seconds. */
  before?: number;
  /** Unix seconds. */
  after?: number;
  username?: string;
  keyword?: string;
  type?: string;
}

export interface LogPage<T> {
  logs: T[];
  totalCount: number;
}
