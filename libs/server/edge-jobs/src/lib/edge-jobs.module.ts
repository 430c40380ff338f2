import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CAPSTAN_CONFIG, type CapstanConfig } from '@capstan/server-core';
import { EdgeModule } from '@capstan/server-edge';
import { EdgeComputeModule } from '@capstan/server-edge-compute';
import { EnvironmentsModule } from '@capstan/server-environments';
import { EdgeJobsController, EdgeJobLogsController } from './edge-jobs.controller';
import { EdgeJobAgentsPort, EdgeJobAsyncPort, EdgeJobDeliveryPort } from './edge-job-delivery.port';
import { EdgeJobGroupsPort } from './edge-job-groups.port';
import { EdgeJobLogs } from './edge-job-logs';
import { EdgeJobsService } from './edge-jobs.service';
import { CommandDelivery, ComputeEdgeGroups, EdgeModuleAgents, PollDelivery } from './edge-wiring';
import { EdgeJobEntity, EdgeJobEnvironmentEntity, EdgeJobGroupEntity } from './entities/edge-job.entity';

/** Edge jobs (see README). */
@Module({
  imports: [
    TypeOrmModule.forFeature([EdgeJobEntity, EdgeJobEnvironmentEntity, EdgeJobGroupEntity]),
    EnvironmentsModule,
    EdgeModule,
    EdgeComputeModule,
  ],
  controllers: [EdgeJobsController, EdgeJobLogsController],
  providers: [
    EdgeJobsService,
    { provide: EdgeJobGroupsPort, useClass: ComputeEdgeGroups },
    { provide: EdgeJobDeliveryPort, useClass: PollDelivery },
    { provide: EdgeJobAgentsPort, useClass: EdgeModuleAgents },
    { provide: EdgeJobAsyncPort, useClass: CommandDelivery },
    {
      provide: EdgeJobLogs,
      useFactory: (config: CapstanConfig) => new EdgeJobLogs(join(config.dataDir, 'edge_jobs')),
      inject: [CAPSTAN_CONFIG],
    },
  ],
  exports: [EdgeJobsService],
})
export class EdgeJobsModule {}
