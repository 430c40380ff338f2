import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Permission } from '@capstan/contracts-api';
import { Authenticated, NotFoundError } from '@capstan/server-core';
import { LdapSettingsDto, SettingsService } from '@capstan/server-settings';
import { groupKey, TeamsService } from '@capstan/server-users';
import { LdapDirectory } from './ldap-directory';

export class LdapCheckDto {
  @ApiPropertyOptional({
    type: LdapSettingsDto,
    description: 'Settings to try (default: the stored ones); an empty Password means the stored one',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => LdapSettingsDto)
  LDAPSettings?: LdapSettingsDto;
}

export class LdapTestDto extends LdapCheckDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  Username!: string;
}

export class LdapGroupResponse {
  @ApiProperty() DN!: string;
  @ApiProperty() Name!: string;
}

export class LdapLinkedTeamResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() Name!: string;
  @ApiProperty() Group!: string;
}

export class LdapTestResponse {
  @ApiProperty({ description: 'The server that answered' }) URL!: string;
  @ApiProperty() UserDN!: string;
  @ApiProperty({ type: [LdapGroupResponse], description: 'Nested groups included' })
  Groups!: LdapGroupResponse[];
  @ApiProperty({ type: [LdapLinkedTeamResponse], description: 'The linked teams the user would be in' })
  Teams!: LdapLinkedTeamResponse[];
}

@ApiTags('ldap')
@Controller('ldap')
export class LdapController {
  constructor(
    private readonly settings: SettingsService,
    private readonly directory: LdapDirectory,
    private readonly teams: TeamsService,
  ) {}

  @Post('check')
  @HttpCode(204)
  @Authenticated({ permission: Permission.SettingsUpdate })
  @ApiOperation({
    summary: 'Connect and bind with these LDAP settings (503 with the reason when that fails)',
    operationId: 'LDAPCheck',
  })
  @ApiNoContentResponse()
  async check(@Body() body: LdapCheckDto): Promise<void> {
    const session = await this.directory.open(await this.settings.ldapSettingsWith(body.LDAPSettings));
    await session.close();
  }

  @Post('test')
  @HttpCode(200)
  @Authenticated({ permission: Permission.SettingsUpdate })
  @ApiOperation({
    summary: "Capstan: bind, find a user and list their groups and the linked teams they'd get",
    operationId: 'LDAPTestUser',
  })
  @ApiOkResponse({ type: LdapTestResponse })
  async test(@Body() body: LdapTestDto): Promise<LdapTestResponse> {
    const session = await this.directory.open(await this.settings.ldapSettingsWith(body.LDAPSettings));
    try {
      const dn = await session.findUser(body.Username);
      if (!dn)
        throw new NotFoundError(
          'User not found',
          `No single entry for ${body.Username} in the user search settings`,
        );
      const groups = await session.groupsOf(dn);
      const keys = new Set(groups.flatMap((g) => [groupKey(g.dn), groupKey(g.name)]));
      const linked = await this.teams.linkedTeams('ldap');
      return {
        URL: session.url,
        UserDN: dn,
        Groups: groups.map((g) => ({ DN: g.dn, Name: g.name })),
        Teams: linked
          .filter((t) => keys.has(groupKey(t.group)))
          .map((t) => ({ Id: t.id, Name: t.name, Group: t.group })),
      };
    } finally {
      await session.close();
    }
  }
}
