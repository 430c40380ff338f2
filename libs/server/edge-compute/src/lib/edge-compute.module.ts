import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '@capstan/server-environments';
import { EdgeGroupEntity, EdgeGroupEnvironmentEntity, EdgeGroupTagEntity } from './groups/edge-group.entity';
import { EdgeGroupsController } from './groups/edge-groups.controller';
import { EdgeGroupsService } from './groups/edge-groups.service';

/** Edge compute: edge groups and edge stacks (see README). */
@Module({
  imports: [
    TypeOrmModule.forFeature([EdgeGroupEntity, EdgeGroupTagEntity, EdgeGroupEnvironmentEntity]),
    EnvironmentsModule,
  ],
  controllers: [EdgeGroupsController],
  providers: [EdgeGroupsService],
  exports: [EdgeGroupsService],
})
export class EdgeComputeModule {}
