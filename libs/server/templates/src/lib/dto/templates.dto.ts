import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';

/** Swagger shapes only: input is checked by `parseCustomTemplateInput` (JSON and multipart alike). */
export class TemplateVariableDto {
  @ApiProperty({ example: 'image_tag' }) name!: string;
  @ApiProperty({ example: 'Image tag' }) label!: string;
  @ApiProperty({ example: 'latest' }) defaultValue!: string;
  @ApiProperty() description!: string;
  @ApiPropertyOptional({ description: 'Capstan: allowed values [{value, label}]' })
  select?: { value: string; label?: string }[];
}

export class CustomTemplateStringDto {
  @ApiProperty({ maxLength: 200 }) Title!: string;
  @ApiProperty({ maxLength: 2000 }) Description!: string;
  @ApiPropertyOptional() Note?: string;
  @ApiPropertyOptional({ description: 'http(s) URL of an image' }) Logo?: string;
  @ApiProperty({ enum: [1, 2], description: '1 linux, 2 windows' }) Platform!: number;
  @ApiProperty({ enum: [1, 2, 3], description: '1 Swarm stack, 2 compose stack, 3 Kubernetes' })
  Type!: number;
  @ApiProperty({ description: 'The file, with {{ name }} variables; at most 512 KiB' }) FileContent!: string;
  @ApiPropertyOptional({ type: [TemplateVariableDto] }) Variables?: TemplateVariableDto[];
  @ApiPropertyOptional() EdgeTemplate?: boolean;
  @ApiPropertyOptional() IsComposeFormat?: boolean;
}

export class CustomTemplateRepositoryDto extends OmitType(CustomTemplateStringDto, ['FileContent'] as const) {
  @ApiProperty({ description: 'http(s) URL of the repository' }) RepositoryURL!: string;
  @ApiPropertyOptional({ description: 'Branch, tag or commit (default: the remote HEAD)' })
  RepositoryReferenceName?: string;
  @ApiPropertyOptional({ description: 'Default docker-compose.yml' }) ComposeFilePathInRepository?: string;
  @ApiPropertyOptional() RepositoryAuthentication?: boolean;
  @ApiPropertyOptional() RepositoryUsername?: string;
  @ApiPropertyOptional({ description: 'Sealed at rest, never answered' }) RepositoryPassword?: string;
  @ApiPropertyOptional() TLSSkipVerify?: boolean;
}

export class CustomTemplateDto {
  @ApiProperty() Id!: number;
  @ApiProperty() Title!: string;
  @ApiProperty() Description!: string;
  @ApiProperty() Note!: string;
  @ApiProperty() Logo!: string;
  @ApiProperty() Platform!: number;
  @ApiProperty() Type!: number;
  @ApiProperty() ProjectPath!: string;
  @ApiProperty() EntryPoint!: string;
  @ApiProperty() CreatedByUserId!: number;
  @ApiProperty({ type: [TemplateVariableDto] }) Variables!: TemplateVariableDto[];
  @ApiProperty() EdgeTemplate!: boolean;
  @ApiProperty() IsComposeFormat!: boolean;
  @ApiProperty({
    nullable: true,
    type: Object,
    description:
      'Git templates: URL, ReferenceName, ConfigFilePath, ConfigHash, TLSSkipVerify, Authentication {Username}',
  })
  GitConfig!: unknown;
  @ApiProperty({ nullable: true, type: Object }) ResourceControl!: unknown;
}

export class FileContentDto {
  @ApiProperty() FileContent!: string;
}

export class AppTemplateFileDto {
  @ApiProperty({ example: '3' }) version!: string;
  @ApiProperty({
    type: [Object],
    description: 'Portainer v3 template entries (1 container, 2 Swarm stack, 3 compose stack)',
  })
  templates!: unknown[];
}
