import { Module } from '@nestjs/common';
import { AuthModule } from '@capstan/server-auth';
import { EnvironmentsModule } from '@capstan/server-environments';
import { SettingsModule } from '@capstan/server-settings';
import { DockerDashboardController } from './dashboard.controller';
import { ConsoleStreams } from './console-streams';
import { DockerProxy } from './docker-proxy';
import { LiveStreams } from './streams/live-streams';
import { RoleStreamAccessPolicy, StreamAccessPolicy } from './streams/stream-access';

/** The Docker API proxy; ownership filtering, streams and the dashboard arrive here next. */
@Module({
  imports: [EnvironmentsModule, AuthModule, SettingsModule],
  controllers: [DockerDashboardController],
  providers: [
    DockerProxy,
    ConsoleStreams,
    LiveStreams,
    // Ownership replaces this with a policy that reads resource controls.
    { provide: StreamAccessPolicy, useClass: RoleStreamAccessPolicy },
  ],
  exports: [DockerProxy, ConsoleStreams, LiveStreams],
})
export class DockerModule {}
