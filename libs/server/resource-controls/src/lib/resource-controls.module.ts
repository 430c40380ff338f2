import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ResourceControlEntity } from './entities/resource-control.entity';
import { ResourceControlsController } from './resource-controls.controller';
import { ResourceControlsService } from './resource-controls.service';

@Module({
  imports: [TypeOrmModule.forFeature([ResourceControlEntity])],
  controllers: [ResourceControlsController],
  providers: [ResourceControlsService],
  exports: [ResourceControlsService],
})
export class ResourceControlsModule {}
