/**
 * Edge stacks on the wire (agent protocol §5.7; Portainer `api/portainer.go` EdgeStackStatusType and
 * `api/edge/edge.go` StackPayload): what the server hands the agent and the status numbers the agent reports.
 */

/** Portainer's EdgeStackStatusType numbers. */
export enum EdgeStackStatusType {
  Pending = 0,
  DeploymentReceived = 1,
  Error = 2,
  Acknowledged = 3,
  Removed = 4,
  RemoteUpdateSuccess = 5,
  ImagesPulled = 6,
  Running = 7,
  Deploying = 8,
  Removing = 9,
  PausedDeploying = 10,
  RollingBack = 11,
  RolledBack = 12,
  Completed = 13,
}

export const EDGE_STACK_STATUS_MAX = EdgeStackStatusType.Completed;

/** One file of the stack's project folder; Content is base64 (std, with padding). */
export interface EdgeStackDirEntry {
  Name: string;
  Content: string;
  IsFile: boolean;
  Permissions: number;
}

/** `GET /api/endpoints/{id}/edge/stacks/{stackId}`. */
export interface EdgeStackPayload {
  ID: number;
  Name: string;
  /** The entry file's content (agents before 2.19). */
  StackFileContent: string;
  EntryFileName: string;
  DirEntries: EdgeStackDirEntry[];
  Namespace: string;
  Version: number;
  RollbackTo: number | null;
  RegistryCredentials: { ServerURL: string; Username: string; Secret: string }[];
  EnvVars: { name: string; value: string }[];
  PrePullImage: boolean;
  RePullImage: boolean;
  RetryDeploy: boolean;
  EdgeUpdateID: number;
  SupportRelativePath: boolean;
  FilesystemPath: string;
  ReadyRePullImage: boolean;
}

/** `PUT /api/edge_stacks/{id}/status`. `Version` is Capstan's: the version the report is about. */
export interface EdgeStackStatusReport {
  EndpointID: number;
  Status: EdgeStackStatusType;
  Error: string;
  Time: number;
  RollbackTo?: number;
  Version?: number;
}

/** The compose project (and Swarm namespace) an edge stack is deployed as. */
export function edgeProjectName(stackName: string): string {
  return `edge_${stackName}`;
}
