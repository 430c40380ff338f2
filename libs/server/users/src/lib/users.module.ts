import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SettingsModule } from '@capstan/server-settings';
import { AdminInitGate } from './admin-init.gate';
import { AdminInitService } from './admin-init.service';
import { TeamEntity } from './entities/team.entity';
import { TeamMembershipEntity } from './entities/team-membership.entity';
import { UserEntity } from './entities/user.entity';
import { Argon2PasswordHasher, PasswordHasher } from './password-hasher.port';
import { TeamMembershipsController, TeamsController } from './teams.controller';
import { TeamsService } from './teams.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, TeamEntity, TeamMembershipEntity]), SettingsModule],
  controllers: [UsersController, TeamsController, TeamMembershipsController],
  providers: [
    UsersService,
    TeamsService,
    AdminInitService,
    AdminInitGate,
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
  ],
  exports: [UsersService, TeamsService, AdminInitService, AdminInitGate],
})
export class UsersModule {}
