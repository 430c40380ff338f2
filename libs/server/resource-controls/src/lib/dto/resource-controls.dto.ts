import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export class OwnershipDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() Public?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() AdministratorsOnly?: boolean;
  @ApiPropertyOptional({ type: [Number], description: 'User ids given access' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  Users?: number[];
  @ApiPropertyOptional({ type: [Number], description: 'Team ids given access' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  Teams?: number[];
}

export class CreateResourceControlDto extends OwnershipDto {
  @ApiProperty({ description: 'Docker id or name of the resource; stacks: "<envId>_<name>"' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  ResourceID!: string;
  @ApiProperty({
    description:
      '1 container, 2 service, 3 volume, 4 network, 5 secret, 6 stack, 7 config, 8 custom template, 9 container group (or the type name)',
    oneOf: [{ type: 'integer', minimum: 1, maximum: 9 }, { type: 'string' }],
  })
  @IsDefined()
  Type!: number | string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  SubResourceIDs?: string[];
  @ApiPropertyOptional({ description: 'Capstan: the environment of the resource (none: every environment)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  EndpointID?: number;
}

class UserAccessDto {
  @ApiProperty() UserId!: number;
  @ApiProperty() AccessLevel!: number;
}
class TeamAccessDto {
  @ApiProperty() TeamId!: number;
  @ApiProperty() AccessLevel!: number;
}

export class ResourceControlResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() ResourceId!: string;
  @ApiProperty({ type: [String] }) SubResourceIds!: string[];
  @ApiProperty({ description: '1–9, see POST' }) Type!: number;
  @ApiProperty({ type: [UserAccessDto] }) UserAccesses!: UserAccessDto[];
  @ApiProperty({ type: [TeamAccessDto] }) TeamAccesses!: TeamAccessDto[];
  @ApiProperty() Public!: boolean;
  @ApiProperty() AdministratorsOnly!: boolean;
  @ApiProperty({ description: 'A synthetic control for built-in networks' }) System!: boolean;
}
