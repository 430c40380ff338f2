import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '@capstan/server-environments';
import { UsersModule } from '@capstan/server-users';
import { RegistryEntity } from './entities/registry.entity';
import { EndpointRegistriesController, RegistriesController } from './registries.controller';
import { RegistriesService } from './registries.service';
import { AwsEcrTokens, EcrTokenPort, HttpRegistryLogin, RegistryLoginPort } from './registry-login.port';

@Module({
  imports: [TypeOrmModule.forFeature([RegistryEntity]), EnvironmentsModule, UsersModule],
  controllers: [RegistriesController, EndpointRegistriesController],
  providers: [
    RegistriesService,
    { provide: RegistryLoginPort, useClass: HttpRegistryLogin },
    { provide: EcrTokenPort, useClass: AwsEcrTokens },
  ],
  exports: [RegistriesService],
})
export class RegistriesModule {}
