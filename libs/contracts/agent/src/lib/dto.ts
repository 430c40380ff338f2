/** Request and response bodies of the agent API (Portainer agent protocol §1.3). JSON keys as on the wire. */

/** `GET /agents`: one alive cluster member. */
export interface AgentMember {
  IPAddress: string;
  /** A string on the wire, e.g. "9001". */
  Port: string;
  NodeName: string;
  NodeRole: 'manager' | 'worker';
  EdgeKeySet: boolean;
}

/** `GET /host/info`; either list is null when it cannot be read. */
export interface HostInfo {
  PCIDevices: { Vendor: string; Name: string }[] | null;
  PhysicalDisks: { Vendor: string; Size: number }[] | null;
}

/** `GET /browse/ls`: one entry. ModTime is Unix seconds. */
export interface BrowseEntry {
  Name: string;
  Size: number;
  Dir: boolean;
  ModTime: number;
}

/** `PUT /browse/rename` (keys matched case-insensitively). */
export interface BrowseRenameRequest {
  CurrentFilePath: string;
  NewFilePath: string;
}

/** `POST /v2/dockerhub` (keys matched case-insensitively; Portainer sends its whole Registry object). */
export interface DockerHubRateLimitRequest {
  authentication: boolean;
  username?: string;
  password?: string;
}

/** `POST /v2/dockerhub` reply, or `null` when Docker Hub sends no rate-limit headers. */
export interface DockerHubRateLimits {
  remaining: number;
  limit: number;
}

/** The query parameter and form field names of the browse routes. */
export const BROWSE_PARAMS = {
  volumeId: 'volumeID',
  path: 'path',
  uploadPath: 'Path',
  uploadFile: 'file',
} as const;

/** Docker volume names (moby `RestrictedNamePattern`). */
export const DOCKER_VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
