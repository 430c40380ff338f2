import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CAPSTAN_CONFIG, type CapstanConfig } from '@capstan/server-core';
import { AuthModule } from '@capstan/server-auth';
import { EnvironmentsModule, LocalEndpoints } from '@capstan/server-environments';
import { GitModule } from '@capstan/server-git';
import { RegistriesModule } from '@capstan/server-registries';
import { UsersModule } from '@capstan/server-users';
import { ResourceControlsModule } from '@capstan/server-resource-controls';
import { DeployProgress } from './deploy-progress';
import { DeployStream } from './deploy-stream';
import { StackEntity } from './entities/stack.entity';
import { StackDeployer } from './stack-deployer';
import { StackFiles } from './stack-files';
import { StacksController } from './stacks.controller';
import { StackDriftService } from './stack-drift.service';
import { StackGitService } from './stack-git.service';
import { StackTools, StacksService } from './stacks.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([StackEntity]),
    EnvironmentsModule,
    ResourceControlsModule,
    AuthModule,
    GitModule,
    RegistriesModule,
    UsersModule,
  ],
  controllers: [StacksController],
  providers: [
    StacksService,
    StackGitService,
    StackDriftService,
    DeployProgress,
    DeployStream,
    {
      provide: StackTools,
      useFactory: (config: CapstanConfig, endpoints: LocalEndpoints) =>
        new StackTools(
          new StackFiles(join(config.dataDir, 'compose')),
          // The docker CLI from PATH; its compose plugin from the CLI plugin folders (tools/setup/compose.sh).
          new StackDeployer(endpoints, 'docker', config.dataDir),
        ),
      inject: [CAPSTAN_CONFIG, LocalEndpoints],
    },
  ],
  exports: [StacksService, StackGitService, StackTools, DeployProgress],
})
export class StacksModule {}
