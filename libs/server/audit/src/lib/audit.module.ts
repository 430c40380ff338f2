import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUDIT_DATA_SOURCE } from '@capstan/server-core';
import { SettingsModule } from '@capstan/server-settings';
import { ActivityAuditMiddleware } from './activity-audit.middleware';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { ActivityLogEntity } from './entities/activity-log.entity';
import { AuthLogEntity } from './entities/auth-log.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AuthLogEntity, ActivityLogEntity], AUDIT_DATA_SOURCE), SettingsModule],
  controllers: [AuditController],
  providers: [AuditService, ActivityAuditMiddleware],
  exports: [AuditService],
})
export class AuditModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ActivityAuditMiddleware).forRoutes('*path');
  }
}
