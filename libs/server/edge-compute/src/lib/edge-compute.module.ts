import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CAPSTAN_CONFIG, type CapstanConfig } from '@capstan/server-core';
import { EdgeModule } from '@capstan/server-edge';
import { EnvironmentsModule } from '@capstan/server-environments';
import { GitModule } from '@capstan/server-git';
import { RegistriesModule } from '@capstan/server-registries';
import { StackFiles } from '@capstan/server-stacks';
import { EdgeGroupEntity, EdgeGroupEnvironmentEntity, EdgeGroupTagEntity } from './groups/edge-group.entity';
import { EdgeGroupsController } from './groups/edge-groups.controller';
import { EdgeGroupsService } from './groups/edge-groups.service';
import { EdgeStackEntity, EdgeStackGroupEntity, EdgeStackStatusEntity } from './stacks/edge-stack.entity';
import { EdgeStackPayloadController, EdgeStacksController } from './stacks/edge-stacks.controller';
import { EDGE_STACK_FILES, EdgeStacksService } from './stacks/edge-stacks.service';

/** Edge compute: edge groups and edge stacks (see README). */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      EdgeGroupEntity,
      EdgeGroupTagEntity,
      EdgeGroupEnvironmentEntity,
      EdgeStackEntity,
      EdgeStackGroupEntity,
      EdgeStackStatusEntity,
    ]),
    EnvironmentsModule,
    EdgeModule,
    GitModule,
    RegistriesModule,
  ],
  controllers: [EdgeGroupsController, EdgeStacksController, EdgeStackPayloadController],
  providers: [
    EdgeGroupsService,
    EdgeStacksService,
    {
      provide: EDGE_STACK_FILES,
      useFactory: (config: CapstanConfig) => new StackFiles(join(config.dataDir, 'edge_stacks')),
      inject: [CAPSTAN_CONFIG],
    },
  ],
  exports: [EdgeGroupsService, EdgeStacksService],
})
export class EdgeComputeModule {}
