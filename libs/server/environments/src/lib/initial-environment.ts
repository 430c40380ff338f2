import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EndpointCreationType } from '@capstan/contracts-api';
import { CAPSTAN_CONFIG, CapstanConfig, CapstanLogger, DomainError } from '@capstan/server-core';
import { EnvironmentsService } from './environments.service';
import { SnapshotService } from './snapshot.service';

/**
 * CAPSTAN_INITIAL_ENVIRONMENT: adds that engine as environment "local" at boot when there is no environment
 * yet (automation; Portainer's -H). Docker or Podman is detected. A failure is logged, never fatal.
 */
@Injectable()
export class InitialEnvironment implements OnApplicationBootstrap {
  constructor(
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
    private readonly environments: EnvironmentsService,
    private readonly snapshots: SnapshotService,
    private readonly logger: CapstanLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const url = this.config.initialEnvironment;
    if (url === undefined || (await this.environments.all()).length > 0) return;
    for (const engine of ['docker', 'podman']) {
      try {
        const env = await this.environments.create({
          Name: 'local',
          EndpointCreationType: String(EndpointCreationType.LocalDocker),
          URL: url,
          ContainerEngine: engine,
          files: {},
        });
        await this.snapshots.snapshotOne(env);
        this.logger.write('info', 'initial environment added', { url, engine });
        return;
      } catch (e) {
        // A Docker/Podman mismatch means: try the other engine.
        if (e instanceof DomainError && e.message === 'Container engine mismatch') continue;
        this.logger.write('warn', 'could not add the initial environment', {
          url,
          error: e instanceof DomainError ? `${e.message}: ${e.details}` : String(e),
        });
        return;
      }
    }
  }
}
