import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '@capstan/server-users';
import { AccessService } from './access.service';
import { AccessPolicyEntity } from './entities/access-policy.entity';
import { RolesController } from './roles.controller';

/**
 * Roles of the permission catalog, the access policies of environments and groups, effective roles, and the one
 * access check (`AccessService`).
 */
@Module({
  imports: [TypeOrmModule.forFeature([AccessPolicyEntity]), UsersModule],
  controllers: [RolesController],
  providers: [AccessService],
  exports: [AccessService],
})
export class RbacModule {}
