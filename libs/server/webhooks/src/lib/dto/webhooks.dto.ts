import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Portainer's webhook types: only 1 (Swarm service) exists in CE. */
export const SERVICE_WEBHOOK = 1;

export class CreateWebhookDto {
  @ApiProperty({ description: 'The Swarm service id' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { message: 'ResourceID must be a service id or name' })
  ResourceID!: string;

  @ApiProperty() @IsInt() @Min(1) @Max(2_147_483_647) EndpointID!: number;

  @ApiProperty({ description: '1 = service webhook (the only type)' })
  @IsInt()
  @Min(SERVICE_WEBHOOK)
  @Max(SERVICE_WEBHOOK)
  WebhookType!: number;

  @ApiPropertyOptional({ description: 'Registry whose credentials pull the image (0: none)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  RegistryID?: number;
}

export class UpdateWebhookDto {
  @ApiProperty() @IsInt() @Min(0) @Max(2_147_483_647) RegistryID!: number;
}

export class WebhookResponse {
  @ApiProperty() Id!: number;
  @ApiProperty({ description: 'The secret of the public URL POST /api/webhooks/{Token}' }) Token!: string;
  @ApiProperty() ResourceId!: string;
  @ApiProperty() EndpointId!: number;
  @ApiProperty() RegistryId!: number;
  @ApiProperty({ description: '1 = service' }) Type!: number;
  @ApiProperty({ description: 'Same as Type (the name the create body uses)' }) WebhookType!: number;
}
