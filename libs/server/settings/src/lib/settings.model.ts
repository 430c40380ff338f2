import { AuthenticationMethod } from '@capstan/contracts-api';

export interface LabelPair {
  name: string;
  value: string;
}

/** One way to find a user: search `BaseDN` (subtree) for `(&<Filter>(<UserNameAttribute>=<user name>))`. */
export interface LdapSearchSettings {
  BaseDN: string;
  Filter: string;
  UserNameAttribute: string;
}

/** One way to find a user's groups: search `GroupBaseDN` for `(&<GroupFilter>(<GroupAttribute>=<user DN>))`. */
export interface LdapGroupSearchSettings {
  GroupBaseDN: string;
  GroupFilter: string;
  GroupAttribute: string;
}

export interface LdapTlsConfig {
  TLS: boolean;
  TLSSkipVerify: boolean;
  /** Capstan: the CA certificate itself (PEM), not a path to an uploaded file. */
  TLSCACert: string;
  /** Capstan: the client certificate (PEM) presented to the directory, with `TLSKey`. */
  TLSCert: string;
  /** Capstan: the client certificate's private key (PEM); sealed at rest, '' in every response. */
  TLSKey: string;
}

/** 0 custom, 1 OpenLDAP, 2 Active Directory (nested groups through LDAP_MATCHING_RULE_IN_CHAIN). */
export enum LdapServerType {
  Custom = 0,
  OpenLdap = 1,
  ActiveDirectory = 2,
}

/** Portainer's LDAPSettings. `Password` is the reader's, sealed at rest and '' in every response. */
export interface LdapSettings {
  ServerType: LdapServerType;
  AnonymousMode: boolean;
  ReaderDN: string;
  Password: string;
  /** host:port or a full ldap:// / ldaps:// URL; `URLs` (tried in order) wins when not empty. */
  URL: string;
  URLs: string[];
  TLSConfig: LdapTlsConfig;
  StartTLS: boolean;
  SearchSettings: LdapSearchSettings[];
  GroupSearchSettings: LdapGroupSearchSettings[];
  AutoCreateUsers: boolean;
  /** Members of any of these groups (DN or name) are made administrators at sign-in, and demoted when they leave. */
  AdminAutoPopulate: boolean;
  AdminGroups: string[];
}

export const DEFAULT_LDAP_SETTINGS: Readonly<LdapSettings> = {
  ServerType: LdapServerType.Custom,
  AnonymousMode: true,
  ReaderDN: '',
  Password: '',
  URL: '',
  URLs: [],
  TLSConfig: { TLS: false, TLSSkipVerify: false, TLSCACert: '', TLSCert: '', TLSKey: '' },
  StartTLS: false,
  SearchSettings: [{ BaseDN: '', Filter: '', UserNameAttribute: '' }],
  GroupSearchSettings: [{ GroupBaseDN: '', GroupFilter: '', GroupAttribute: '' }],
  AutoCreateUsers: true,
  AdminAutoPopulate: false,
  AdminGroups: [],
};

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
  /** Capstan: who must sign in with a second factor (TOTP) on top of the password (local accounts). */
  TwoFactorPolicy: TwoFactorPolicy;
  OAuthSettings: OAuthSettings;
  LDAPSettings: LdapSettings;
  /** Edge agents' poll interval in seconds (an environment's own EdgeCheckinInterval wins when set). */
  EdgeAgentCheckinInterval: number;
  /** The server URL put in edge keys; empty: the URL the creation request came in on. */
  EdgePortainerURL: string;
  /** host:port of the tunnel put in edge keys; empty: the server URL's host and the tunnel port. */
  TunnelServerAddress: string;
  /** Agents presenting a global key are trusted at once instead of waiting in the waiting room. */
  TrustOnFirstConnect: boolean;
  /** Async edge agents' default intervals in seconds (0 turns one off); an environment's own values win. */
  Edge: EdgeAsyncSettings;
  /** Capstan: proxies (addresses, CIDR ranges) whose X-Forwarded-For names the client for throttling and the auth log. */
  TrustedProxies: string[];
}

/** Portainer's `Settings.Edge` (async mode): seconds. */
export interface EdgeAsyncSettings {
  PingInterval: number;
  SnapshotInterval: number;
  CommandInterval: number;
}

export const DEFAULT_EDGE_ASYNC_SETTINGS: Readonly<EdgeAsyncSettings> = {
  PingInterval: 60,
  SnapshotInterval: 60,
  CommandInterval: 60,
};

export const OAUTH_PROVIDERS = ['custom', 'microsoft', 'google', 'github'] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

/** Portainer's OAuthSettings, plus Capstan's issuer (OIDC discovery), provider preset and group claim. */
export interface OAuthSettings {
  ClientID: string;
  /** Sealed with the secret box at rest; blank in every response. */
  ClientSecret: string;
  AccessTokenURI: string;
  AuthorizationURI: string;
  ResourceURI: string;
  RedirectURI: string;
  UserIdentifier: string;
  /** Space- or comma-separated. */
  Scopes: string;
  OAuthAutoCreateUsers: boolean;
  DefaultTeamID: number;
  SSO: boolean;
  LogoutURI: string;
  AuthStyle: number;
  /** Capstan: OIDC issuer; when set, endpoints come from discovery and an ID token with nonce is required. */
  Issuer: string;
  Provider: OAuthProvider;
  /** Capstan: the claim listing the user's groups (teams linked to them with source "oauth" are synced). */
  GroupClaim: string;
}

export const DEFAULT_OAUTH_SETTINGS: Readonly<OAuthSettings> = {
  ClientID: '',
  ClientSecret: '',
  AccessTokenURI: '',
  AuthorizationURI: '',
  ResourceURI: '',
  RedirectURI: '',
  UserIdentifier: 'preferred_username',
  Scopes: 'openid profile email',
  OAuthAutoCreateUsers: false,
  DefaultTeamID: 0,
  SSO: true,
  LogoutURI: '',
  AuthStyle: 0,
  Issuer: '',
  Provider: 'custom',
  GroupClaim: '',
};

export const TWO_FACTOR_POLICIES = ['optional', 'administrators', 'everyone'] as const;
export type TwoFactorPolicy = (typeof TWO_FACTOR_POLICIES)[number];

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
  TwoFactorPolicy: 'optional',
  OAuthSettings: DEFAULT_OAUTH_SETTINGS,
  LDAPSettings: DEFAULT_LDAP_SETTINGS,
  EdgeAgentCheckinInterval: 5,
  EdgePortainerURL: '',
  TunnelServerAddress: '',
  TrustOnFirstConnect: false,
  Edge: DEFAULT_EDGE_ASYNC_SETTINGS,
  TrustedProxies: [],
};

export const PASSWORD_LENGTH_RANGE = { min: 8, max: 128 } as const;
