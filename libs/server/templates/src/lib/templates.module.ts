import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GitModule } from '@capstan/server-git';
import { ResourceControlsModule } from '@capstan/server-resource-controls';
import { SettingsModule } from '@capstan/server-settings';
import { UsersModule } from '@capstan/server-users';
import { AppTemplatesService, HttpTemplateSource, TemplateSourcePort } from './app-templates.service';
import { CustomTemplatesService } from './custom-templates.service';
import { CustomTemplateEntity } from './entities/custom-template.entity';
import { TemplatesController } from './templates.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([CustomTemplateEntity]),
    SettingsModule,
    UsersModule,
    ResourceControlsModule,
    GitModule,
  ],
  controllers: [TemplatesController],
  providers: [
    AppTemplatesService,
    CustomTemplatesService,
    { provide: TemplateSourcePort, useClass: HttpTemplateSource },
  ],
  exports: [AppTemplatesService, CustomTemplatesService],
})
export class TemplatesModule {}
