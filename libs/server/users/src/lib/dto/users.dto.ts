import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MembershipRole, THEME_COLORS, UserRole } from '@capstan/contracts-api';

const USERNAME = /^\S+$/;
const USERNAME_MESSAGE = 'username must not be empty or contain whitespace';

export class ThemeSettingsDto {
  @ApiProperty({ enum: THEME_COLORS, example: 'dark' })
  @IsIn(THEME_COLORS as string[])
  color!: string;
}

export class UserResponse {
  @ApiProperty({ example: 1 }) Id!: number;
  @ApiProperty({ example: 'admin' }) Username!: string;
  @ApiProperty({ enum: [1, 2], description: '1 administrator, 2 standard user' }) Role!: number;
  @ApiProperty({ description: 'Unix seconds of the last password change' }) TokenIssueAt!: number;
  @ApiProperty({ type: ThemeSettingsDto }) ThemeSettings!: ThemeSettingsDto;
  @ApiProperty() UseCache!: boolean;
}

export class AdminInitDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Matches(USERNAME, { message: USERNAME_MESSAGE })
  @MaxLength(255)
  username!: string;

  @ApiProperty({ example: 'a-long-password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password!: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Matches(USERNAME, { message: USERNAME_MESSAGE })
  @MaxLength(255)
  username!: string;

  @ApiPropertyOptional({ description: 'Required with internal authentication' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;

  @ApiProperty({ enum: [1, 2], example: 2 })
  @IsIn([UserRole.Administrator, UserRole.StandardUser], {
    message: 'role must be 1 (administrator) or 2 (standard user)',
  })
  role!: UserRole;

  @ApiPropertyOptional({
    type: [Number],
    example: [3],
    description:
      'Capstan: teams the new user joins as a member, written with the user as one record (both or neither)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true, message: 'teamIds must be team ids' })
  @Min(1, { each: true, message: 'teamIds must be team ids' })
  teamIds?: number[];
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(USERNAME, { message: USERNAME_MESSAGE })
  @MaxLength(255)
  username?: string;

  @ApiPropertyOptional({ description: 'Current password; required when users change their own password' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  newPassword?: string;

  @ApiPropertyOptional({ enum: [1, 2] })
  @IsOptional()
  @IsIn([UserRole.Administrator, UserRole.StandardUser], {
    message: 'role must be 1 (administrator) or 2 (standard user)',
  })
  role?: UserRole;

  @ApiPropertyOptional({ type: ThemeSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ThemeSettingsDto)
  theme?: ThemeSettingsDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  useCache?: boolean;
}

export class ChangePasswordDto {
  @ApiProperty({ description: 'Current password' })
  @IsString()
  @MaxLength(256)
  password!: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  newPassword!: string;
}

export class TeamLinkResponse {
  @ApiProperty({ enum: ['ldap', 'oauth'] }) Source!: string;
  @ApiProperty({ description: 'The directory group (DN or name) or provider group claim value' })
  Group!: string;
}

export class TeamResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() Name!: string;
  @ApiPropertyOptional({
    type: TeamLinkResponse,
    description: 'Capstan: the identity-source group this team follows',
  })
  LinkedGroup?: TeamLinkResponse;
}

export class LinkTeamDto {
  @ApiProperty({ enum: ['ldap', 'oauth'] })
  @IsIn(['ldap', 'oauth'], { message: 'source must be ldap or oauth' })
  source!: 'ldap' | 'oauth';

  @ApiProperty({ example: 'cn=developers,ou=groups,dc=example,dc=org' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  group!: string;
}

export class CreateTeamDto {
  @ApiProperty({ example: 'developers' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;

  @ApiPropertyOptional({ type: [Number], description: 'User ids made leaders of the new team' })
  @IsOptional()
  @IsInt({ each: true })
  teamLeaders?: number[];
}

export class UpdateTeamDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;
}

export class TeamListQuery {
  @ApiPropertyOptional({ description: 'Only the teams the caller leads' })
  @IsOptional()
  @IsIn(['true', 'false', '1', '0', ''])
  onlyLedTeams?: string;
}

export class TeamMembershipResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() UserID!: number;
  @ApiProperty() TeamID!: number;
  @ApiProperty({ enum: [1, 2], description: '1 leader, 2 member' }) Role!: number;
}

export class CreateTeamMembershipDto {
  @ApiProperty()
  @IsInt()
  userID!: number;

  @ApiProperty()
  @IsInt()
  teamID!: number;

  @ApiProperty({ enum: [1, 2], description: '1 leader, 2 member' })
  @IsIn([MembershipRole.Leader, MembershipRole.Member], { message: 'role must be 1 (leader) or 2 (member)' })
  role!: MembershipRole;
}

export class UpdateTeamMembershipDto extends CreateTeamMembershipDto {}
