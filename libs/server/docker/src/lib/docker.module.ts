import { Module } from '@nestjs/common';
import { AuthModule } from '@capstan/server-auth';
import { EnvironmentsModule } from '@capstan/server-environments';
import { SettingsModule } from '@capstan/server-settings';
import { DockerDashboardController } from './dashboard.controller';
import { ConsoleStreams } from './console-streams';
import { DockerProxy } from './docker-proxy';

/** The Docker API proxy; ownership filtering, streams and the dashboard arrive here next. */
@Module({
  imports: [EnvironmentsModule, AuthModule, SettingsModule],
  controllers: [DockerDashboardController],
  providers: [DockerProxy, ConsoleStreams],
  exports: [DockerProxy, ConsoleStreams],
})
export class DockerModule {}
