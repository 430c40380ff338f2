import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivityPort, AUDIT_DATA_SOURCE } from '@capstan/server-core';
import { SettingsModule } from '@capstan/server-settings';
import { ActivityRecorder } from './activity-recorder';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { ActivityLogEntity } from './entities/activity-log.entity';
import { AuthLogEntity } from './entities/auth-log.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AuthLogEntity, ActivityLogEntity], AUDIT_DATA_SOURCE), SettingsModule],
  controllers: [AuditController],
  providers: [AuditService, ActivityRecorder, { provide: ActivityPort, useExisting: ActivityRecorder }],
  exports: [AuditService, ActivityRecorder, ActivityPort],
})
export class AuditModule {}
