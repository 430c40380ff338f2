export { ApiClient, API_BASE_URL, API_FETCH, unwrap, type ApiEvent } from './lib/api/api-client';
export { ApiError, errorMessage } from './lib/api/api-error';
export { LoadState } from './lib/api/load-state';
export { DialogForm } from './lib/api/dialog-form';
export type { paths, components } from './lib/api/schema';
export * from './lib/models';
export {
  DockerApi,
  SNAPSHOT_HEADER,
  UploadError,
  XHR_FACTORY,
  unreachableNodesOf,
  uploadFailure,
  type DockerQuery,
  type ListSource,
  type UploadAnswer,
  type UploadProgress,
} from './lib/docker/docker-api';
export {
  AgentBrowseApi,
  ContainersApi,
  EngineApi,
  ImagesApi,
  NetworksApi,
  SwarmApi,
  VolumesApi,
  type BrowseTarget,
  type ContainerCreated,
  type ContainerLifecycle,
  type ImagesPruned,
  type LogQuery,
  type Sourced,
  type StreamOptions,
  type SwarmObjectKind,
  type UploadOptions,
  type VolumeList,
} from './lib/docker/engine-api';
export * from './lib/docker/resources-format';
export * from './lib/docker/resources-images';
export * from './lib/docker/resources-volumes';
export * from './lib/docker/resources-networks';
export * from './lib/docker/resources-events';
export {
  DockerEnvironmentApi,
  type CapstanAccess,
  type DockerDashboard,
  type DockerEnvironment,
  type DockerEnvironmentSnapshot,
  type OwnershipUpdate,
} from './lib/docker/docker-environment-api';
export {
  WEBSOCKET_FACTORY,
  openJsonSocket,
  type JsonSocketHandle,
  type LiveState,
} from './lib/docker/docker-socket';
export { EnvironmentsApi } from './lib/environments/environments-api.service';
export * from './lib/environments/environment.models';
export {
  bytesLabel,
  connectionKind,
  engineLabel,
  environmentTypeLabel,
  type ConnectionKind,
} from './lib/environments/environment-labels';
export { AuthApi } from './lib/services/auth-api.service';
export { UsersApi } from './lib/services/users-api.service';
export { TeamsApi } from './lib/services/teams-api.service';
export { WebhooksApi, type Webhook } from './lib/services/webhooks-api.service';
export { AdminApi, type LogKind } from './lib/services/admin-api.service';
export { SessionStore, SESSION_EXPIRED_MESSAGE } from './lib/session/session.store';
export {
  ThemeService,
  toThemeChoice,
  THEME_STORAGE_KEY,
  type ThemeChoice,
} from './lib/session/theme.service';
export {
  adminInitializedGuard,
  noAdminYetGuard,
  authGuard,
  guestGuard,
  permissionGuard,
  NOT_ALLOWED_PATH,
} from './lib/session/guards';
export { DEFAULT_MIN_PASSWORD_LENGTH, passwordMinLength } from './lib/session/password-rule';
// Test helpers (a fake fetch for the generated client). Tree-shaken out of the app: only specs use them.
export {
  FakeApi,
  ManualXhr,
  provideFakeApi,
  userFactory,
  type FakeReply,
  type RecordedRequest,
} from './lib/testing/fake-api';
export { environmentFactory, multipartFetch, snapshotFactory } from './lib/environments/environment-testing';
export {
  StacksApi,
  STACK_ACTIVE,
  STACK_COMPOSE,
  STACK_INACTIVE,
  STACK_SWARM,
  autoUpdateIntervalError,
  stackAutoUpdate,
  stackEnv,
  stackEnvError,
  stackGit,
  type DeployWatchHandle,
  type DeployWatchHandlers,
  type Stack,
  type StackAutoUpdate,
  type StackCreate,
  type StackGitConfig,
  type StackGitRedeploy,
  type StackGitSettings,
  type StackGitSource,
  type StackDeployLog,
  type StackEnvVar,
  type StackUpdate,
  type StackVersions,
} from './lib/stacks/stacks-api';
export {
  DEFAULT_AGENT_IMAGE,
  EdgeApi,
  edgeDockerRunCommand,
  edgeStackDeployCommand,
  type AgentCommandOptions,
  type EdgeCommand,
  type EdgeIntervals,
  type EdgeStatus,
  type NewEdgeEnvironment,
} from './lib/environments/edge-api.service';
export {
  EDGE_STACK_ERROR,
  EDGE_STACK_RUNNING,
  EDGE_STACK_STATUS,
  EdgeComputeApi,
  edgeDeviceStates,
  type EdgeDeviceState,
  type EdgeGroup,
  type EdgeGroupInput,
  type EdgeStack,
  type EdgeStackInput,
} from './lib/edge/edge-compute-api';
export {
  EDGE_JOB_LOGS_COLLECTED,
  EDGE_JOB_LOGS_IDLE,
  EDGE_JOB_LOGS_PENDING,
  EdgeJobsApi,
  MAX_EDGE_JOB_SCRIPT,
  edgeJobLogsLabel,
  type EdgeJob,
  type EdgeJobForm,
  type EdgeJobGroup,
  type EdgeJobTask,
} from './lib/edge-jobs/edge-jobs-api';
export {
  TemplatesApi,
  customTemplateStackType,
  isStackTemplate,
  type AppTemplate,
  type AppTemplateEnv,
  type CustomTemplate,
  type CustomTemplateForm,
} from './lib/templates/templates-api';
export {
  REGISTRY_TYPES,
  RegistriesApi,
  registryTypeLabel,
  storedRegistryAuth,
  type ImageOrigins,
  type OutdatedSummary,
  type Registry,
  type RegistryAccess,
  type RegistryCreate,
  type RegistryPing,
  type RegistryTag,
  type RegistryUpdate,
  type StatusMap,
  type UpdateStatus,
} from './lib/registries/registries-api';
