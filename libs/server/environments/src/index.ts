export { EnvironmentsModule } from './lib/environments.module';
export { EnvironmentsService } from './lib/environments.service';
export { SnapshotService } from './lib/snapshot.service';
export { DockerPort, type EngineClient, type EngineConnection } from './lib/docker.port';
export { summarise, type DockerSnapshotSummary, type DockerSnapshotRaw } from './lib/snapshot.model';
export { parseSecuritySettings } from './lib/security-settings';
