/** Wire facts of the public API that the server, the portal and the tests share. */

/** Every error reply, Portainer's shape. */
export interface ApiErrorBody {
  message: string;
  details: string;
}

export const API_HEADERS = {
  requestId: 'X-Request-Id',
  totalCount: 'X-Total-Count',
  totalAvailable: 'X-Total-Available',
  csrfToken: 'X-CSRF-Token',
  apiKey: 'X-API-Key',
  retryAfter: 'Retry-After',
  redirectReason: 'Redirect-Reason',
  /** Capstan: the second-step token of a sign-in that still needs its second factor (401 from POST /api/auth). */
  secondFactor: 'X-Capstan-Second-Factor',
} as const;

/** Portainer's cookie name, kept so existing tooling that reads it keeps working. */
export const AUTH_COOKIE = 'portainer_api_key';

/** Raw API keys look like Portainer's: `ptr_` + base64 of 32 random bytes. */
export const API_KEY_PREFIX = 'ptr_';

export enum AuthenticationMethod {
  Internal = 1,
  Ldap = 2,
  OAuth = 3,
}

export type ThemeColor = 'light' | 'dark' | 'highcontrast' | 'auto' | '';

export const THEME_COLORS: readonly ThemeColor[] = ['light', 'dark', 'highcontrast', 'auto', ''];

export enum AuthLogResult {
  Success = 'success',
  Failure = 'failure',
  Throttled = 'throttled',
  Logout = 'logout',
}

/** Portainer's environment (endpoint) types: `Type` on the wire. */
export enum EnvironmentType {
  Docker = 1,
  Agent = 2,
  Azure = 3,
  EdgeAgent = 4,
  KubernetesLocal = 5,
  KubernetesAgent = 6,
  EdgeKubernetes = 7,
}

/** Portainer's `EndpointCreationType` of `POST /api/endpoints` (multipart form). */
export enum EndpointCreationType {
  LocalDocker = 1,
  Agent = 2,
  Azure = 3,
  EdgeAgent = 4,
  LocalKubernetes = 5,
}

/**
 * One message of Capstan's `/api/websocket/stats` (a container's live figures, one a second): sizes in bytes,
 * network and block counters cumulative since the container started. The server sends it, the portal charts it.
 */
export interface ContainerStatsMessage {
  read: string;
  cpuPercent: number;
  memoryUsage: number;
  memoryLimit: number;
  networkRx: number;
  networkTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}
