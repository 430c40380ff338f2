import { Module } from '@nestjs/common';
import { RolesController } from './roles.controller';

/** Roles and the permission catalog; access policies and resource controls arrive with environments. */
@Module({ controllers: [RolesController] })
export class RbacModule {}
