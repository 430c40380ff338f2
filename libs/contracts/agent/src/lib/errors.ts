/**
 * The agent's error replies: `{message, details}` with these texts and statuses (Portainer agent protocol §1–§4,
 * §7). Capstan additions are marked. `fixtures/errors.json` holds the same table for the tests of both sides.
 */
export interface AgentErrorBody {
  message: string;
  details: string;
}

export interface AgentErrorSpec extends AgentErrorBody {
  status: number;
}

export const AGENT_ERRORS = {
  missingSignature: { status: 403, message: 'Missing request signature headers', details: 'Unauthorized' },
  invalidSignature: { status: 403, message: 'Invalid request signature', details: 'Unauthorized' },
  /** details carry the reason the key was refused. */
  invalidPublicKey: { status: 403, message: 'Invalid request signature', details: 'Invalid public key' },
  standaloneAgents: {
    status: 503,
    message: 'Agent management is not available when running the agent on a standalone engine',
    details: 'Agent management is disabled',
  },
  edgeKeyDisabled: {
    status: 503,
    message: 'Edge key management is disabled on non Edge agent',
    details: 'Edge key management is disabled',
  },
  dockerSocket: { status: 500, message: 'Unable to proxy the request via the Docker socket', details: '' },
  hostInfo: { status: 500, message: 'Unable to retrieve host information', details: '' },
  missingPath: { status: 400, message: 'Invalid query parameter: path', details: 'Missing query parameter' },
  missingId: { status: 400, message: 'Invalid query parameter: id', details: 'Missing query parameter' },
  /** Capstan: exec/container ids are hex (Docker ids) or container names; anything else is refused. */
  invalidId: { status: 400, message: 'Invalid query parameter: id', details: 'Invalid identifier' },
  dotDotPath: {
    status: 400,
    message: 'Invalid volume',
    details: "Invalid path. Ensure that the path do not contain '..' elements",
  },
  /** Capstan: volumeID checked against Docker's volume-name rule. */
  invalidVolumeId: { status: 400, message: 'Invalid volume', details: 'Invalid volume identifier' },
  /** Capstan: the volume does not exist on this engine. */
  volumeNotFound: {
    status: 404,
    message: 'Unable to find a volume with the specified identifier',
    details: '',
  },
  /** Capstan: a symlink (or the path) resolves outside the volume's data directory. */
  outsideVolume: { status: 403, message: 'Invalid path', details: 'The path resolves outside of the volume' },
  /** Capstan: host browsing (no volumeID) without the server's administrator header. */
  hostBrowseDenied: {
    status: 403,
    message: 'Host browsing is not allowed',
    details: 'Browsing without a volume requires an administrator',
  },
  /** Capstan: a host path must be absolute. */
  relativeHostPath: {
    status: 400,
    message: 'Invalid query parameter: path',
    details: 'The path must be absolute',
  },
  fileNotFound: { status: 404, message: 'Unable to find the file', details: '' },
  listFiles: { status: 500, message: 'Unable to list files inside specified directory', details: '' },
  openFile: { status: 500, message: 'Unable to open file', details: '' },
  removeFile: { status: 500, message: 'Unable to remove file', details: '' },
  /** Capstan: client errors the original answers with 500. */
  directoryNotEmpty: { status: 400, message: 'Unable to remove file', details: 'The directory is not empty' },
  notADirectory: {
    status: 400,
    message: 'Unable to list files inside specified directory',
    details: 'The path is not a directory',
  },
  /** Capstan: the target of a rename or upload conflicts with what is there (a directory, a file in the way). */
  pathConflict: {
    status: 409,
    message: 'The path conflicts with an existing file or directory',
    details: '',
  },
  notAFile: { status: 400, message: 'Unable to open file', details: 'The path is not a file' },
  renameFile: { status: 500, message: 'Unable to rename file', details: '' },
  writeFile: { status: 500, message: 'Unable to persist file', details: '' },
  invalidPayload: { status: 400, message: 'Invalid request payload', details: '' },
  /** Capstan: Docker Hub (auth.docker.io / registry-1.docker.io) could not be reached within 3 s. */
  dockerHubUnreachable: { status: 502, message: 'Unable to retrieve Docker Hub rate limits', details: '' },
  noTargetAgent: {
    status: 500,
    message: 'The agent was unable to contact any other agent',
    details: 'Unable to find the targeted agent',
  },
  noManagerAgent: {
    status: 500,
    message: 'The agent was unable to contact any other agent located on a manager node',
    details: 'Unable to find an agent on any manager node',
  },
  /** Capstan: unknown sub-route (Portainer answers gorilla's text/plain 404). */
  notFound: { status: 404, message: 'Not found', details: '' },
  /** Capstan: wrong method on a known route (Portainer answers an empty 405). */
  methodNotAllowed: { status: 405, message: 'Method not allowed', details: '' },
  /** Capstan: the Kubernetes routes on a Docker agent. */
  kubernetesUnavailable: {
    status: 503,
    message: 'Kubernetes is not available on this agent',
    details: 'The agent runs on a Docker engine',
  },
  /** Capstan: the exec instance or container of a WebSocket stream does not exist (engine 404). */
  streamNotFound: { status: 404, message: 'Unable to find the container or exec instance', details: '' },
  /** Capstan: an unexpected failure inside the agent (logged). */
  internal: { status: 500, message: 'Unexpected agent error', details: '' },
  /** WebSocket upgrade to the engine refused (no 101). */
  engineUpgrade: { status: 500, message: 'Unable to open the stream with the Docker engine', details: '' },
} as const satisfies Record<string, AgentErrorSpec>;

export type AgentErrorName = keyof typeof AGENT_ERRORS;
