import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '@capstan/server-environments';
import { UsersModule } from '@capstan/server-users';
import { RegistryEntity } from './entities/registry.entity';
import {
  DockerHubQuotaController,
  EndpointRegistriesController,
  RegistriesController,
} from './registries.controller';
import { DockerHubQuota } from './docker-hub-quota';
import { RegistriesService } from './registries.service';
import { RegistryBrowser } from './registry-browser';
import { ImageStatusController } from './image-status.controller';
import { ImageUpdateChecker, RegistryTargets } from './image-updates';
import { EnvironmentUpdates } from './environment-updates';
import { OutdatedSweep } from './outdated-sweep';
import { OutdatedController } from './outdated.controller';
import { HttpRegistryApi, RegistryApiPort } from './registry-api';
import { AwsEcrTokens, EcrTokenPort, HttpRegistryLogin, RegistryLoginPort } from './registry-login.port';

@Module({
  imports: [TypeOrmModule.forFeature([RegistryEntity]), EnvironmentsModule, UsersModule],
  controllers: [
    RegistriesController,
    EndpointRegistriesController,
    ImageStatusController,
    OutdatedController,
    DockerHubQuotaController,
  ],
  providers: [
    RegistriesService,
    RegistryBrowser,
    ImageUpdateChecker,
    EnvironmentUpdates,
    OutdatedSweep,
    DockerHubQuota,
    { provide: RegistryTargets, useExisting: RegistriesService },
    { provide: RegistryApiPort, useClass: HttpRegistryApi },
    { provide: RegistryLoginPort, useClass: HttpRegistryLogin },
    { provide: EcrTokenPort, useClass: AwsEcrTokens },
  ],
  exports: [RegistriesService, RegistryBrowser, ImageUpdateChecker],
})
export class RegistriesModule {}
