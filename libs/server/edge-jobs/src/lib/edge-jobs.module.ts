import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CAPSTAN_CONFIG, type CapstanConfig } from '@capstan/server-core';
import { EnvironmentsModule } from '@capstan/server-environments';
import { EdgeJobsController, EdgeJobLogsController } from './edge-jobs.controller';
import { EdgeJobAgentsPort, EdgeJobDeliveryPort } from './edge-job-delivery.port';
import { EdgeJobGroupsPort, NoEdgeGroups } from './edge-job-groups.port';
import { EdgeJobLogs } from './edge-job-logs';
import { EdgeJobsService } from './edge-jobs.service';
import { UnwiredAgents, UnwiredDelivery } from './edge-wiring';
import { EdgeJobEntity, EdgeJobEnvironmentEntity, EdgeJobGroupEntity } from './entities/edge-job.entity';

/** Edge jobs (see README). */
@Module({
  imports: [
    TypeOrmModule.forFeature([EdgeJobEntity, EdgeJobEnvironmentEntity, EdgeJobGroupEntity]),
    EnvironmentsModule,
  ],
  controllers: [EdgeJobsController, EdgeJobLogsController],
  providers: [
    EdgeJobsService,
    { provide: EdgeJobGroupsPort, useClass: NoEdgeGroups },
    { provide: EdgeJobDeliveryPort, useClass: UnwiredDelivery },
    { provide: EdgeJobAgentsPort, useClass: UnwiredAgents },
    {
      provide: EdgeJobLogs,
      useFactory: (config: CapstanConfig) => new EdgeJobLogs(join(config.dataDir, 'edge_jobs')),
      inject: [CAPSTAN_CONFIG],
    },
  ],
  exports: [EdgeJobsService],
})
export class EdgeJobsModule {}
