import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SettingsModule } from '@capstan/server-settings';
import { AdminInitMiddleware } from './admin-init.middleware';
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
    AdminInitMiddleware,
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
  ],
  exports: [UsersService, TeamsService, AdminInitService],
})
export class UsersModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AdminInitMiddleware).forRoutes('*path');
  }
}
