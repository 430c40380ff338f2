import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '@capstan/server-environments';
import { RbacModule } from '@capstan/server-rbac';
import { UsersModule } from '@capstan/server-users';
import { ResourceControlEntity } from './entities/resource-control.entity';
import { ResourceControlsController } from './resource-controls.controller';
import { ResourceControlsService } from './resource-controls.service';

@Module({
  imports: [TypeOrmModule.forFeature([ResourceControlEntity]), RbacModule, UsersModule, EnvironmentsModule],
  controllers: [ResourceControlsController],
  providers: [ResourceControlsService],
  exports: [ResourceControlsService],
})
export class ResourceControlsModule {}
