import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ENVIRONMENT_ROLES, Permission } from '@capstan/contracts-api';
import { Authenticated } from '@capstan/server-core';

export class RoleResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() Name!: string;
  @ApiProperty() Description!: string;
  @ApiProperty({ description: 'Lower wins when several roles apply' }) Priority!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'boolean' },
    description: 'Permission catalog entries granted',
  })
  Authorizations!: Record<string, boolean>;
}

/** The per-environment roles of the permission catalog, in Portainer's role shape. */
@ApiTags('roles')
@Controller('roles')
export class RolesController {
  @Get()
  @Authenticated({ permission: Permission.RolesRead })
  @ApiOperation({ summary: 'List the environment roles', operationId: 'RoleList' })
  @ApiOkResponse({ type: [RoleResponse] })
  list(): RoleResponse[] {
    return [...ENVIRONMENT_ROLES]
      .sort((a, b) => a.id - b.id)
      .map((r) => ({
        Id: r.id,
        Name: r.name,
        Description: r.description,
        Priority: r.priority,
        Authorizations: Object.fromEntries(r.permissions.map((p) => [p, true])),
      }));
  }
}
