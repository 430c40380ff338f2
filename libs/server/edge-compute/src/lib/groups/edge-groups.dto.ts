import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

const MAX_ID = 2_147_483_647;

export class CreateEdgeGroupDto {
  @ApiProperty({ example: 'shops' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  Name!: string;

  @ApiPropertyOptional({ description: 'Dynamic: members are the edge environments carrying the tags' })
  @IsOptional()
  @IsBoolean()
  Dynamic?: boolean;

  @ApiPropertyOptional({ type: [Number], description: 'Dynamic groups: tag ids' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ID, { each: true })
  TagIDs?: number[];

  @ApiPropertyOptional({ type: [Number], description: 'Static groups: edge environment ids (types 4 and 7)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ID, { each: true })
  Endpoints?: number[];

  @ApiPropertyOptional({ description: 'Dynamic groups: any of the tags instead of all' })
  @IsOptional()
  @IsBoolean()
  PartialMatch?: boolean;
}

export class UpdateEdgeGroupDto extends CreateEdgeGroupDto {
  @ApiPropertyOptional({ example: 'shops' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  declare Name: string;
}

export class EdgeGroupResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() Name!: string;
  @ApiProperty() Dynamic!: boolean;
  @ApiProperty({ type: [Number] }) TagIds!: number[];
  @ApiProperty({ type: [Number], description: 'Members: listed (static) or matched (dynamic)' })
  Endpoints!: number[];
  @ApiProperty() PartialMatch!: boolean;
}

export class EdgeGroupListItemResponse extends EdgeGroupResponse {
  @ApiProperty() HasEdgeStack!: boolean;
  @ApiProperty() HasEdgeJob!: boolean;
  @ApiProperty({ type: [Number], description: 'Types of the member environments' }) EndpointTypes!: number[];
  @ApiProperty({ type: [Number] }) TrustedEndpoints!: number[];
}
