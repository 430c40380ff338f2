import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { CaseInsensitiveValidationPipe, CoreModule, CoreOptions, ErrorFilter } from '@capstan/server-core';
import { AuditModule } from '@capstan/server-audit';
import { AuthModule } from '@capstan/server-auth';
import { DockerModule } from '@capstan/server-docker';
import { EnvironmentsModule } from '@capstan/server-environments';
import { GitModule } from '@capstan/server-git';
import { RbacModule } from '@capstan/server-rbac';
import { ResourceControlsModule } from '@capstan/server-resource-controls';
import { SettingsModule } from '@capstan/server-settings';
import { StacksModule } from '@capstan/server-stacks';
import { SystemModule } from '@capstan/server-system';
import { TemplatesModule } from '@capstan/server-templates';
import { UsersModule } from '@capstan/server-users';
import { WebhooksModule } from '@capstan/server-webhooks';
import { RegistriesModule } from '@capstan/server-registries';
import { EdgeModule } from '@capstan/server-edge';
import { EdgeComputeModule } from '@capstan/server-edge-compute';
import { EdgeJobsModule } from '@capstan/server-edge-jobs';

/** The domain modules, in start-up order (routes.spec checks every controller among them). */
export const DOMAIN_MODULES = [
  SystemModule,
  SettingsModule,
  AuditModule,
  UsersModule,
  AuthModule,
  RbacModule,
  EnvironmentsModule,
  ResourceControlsModule,
  DockerModule,
  WebhooksModule,
  TemplatesModule,
  StacksModule,
  RegistriesModule,
  GitModule,
  EdgeModule,
  EdgeComputeModule,
  EdgeJobsModule,
];

/** Composes the domain modules; the app itself holds no rules. */
@Module({})
export class AppModule {
  static register(core: CoreOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(core), ...DOMAIN_MODULES],
      providers: [
        { provide: APP_PIPE, useClass: CaseInsensitiveValidationPipe },
        { provide: APP_FILTER, useFactory: () => new ErrorFilter(core.logger) },
      ],
    };
  }
}
