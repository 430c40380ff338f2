import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  BadRequestError,
  PayloadTooLargeError,
  readMultipartForm,
} from '@capstan/server-core';
import { SettingsService } from '@capstan/server-settings';

const KINDS = ['ca', 'cert', 'key'] as const;
const MAX_FILE_BYTES = 64 * 1024;

/**
 * Portainer's `POST /api/upload/tls/{ca|cert|key}` (multipart: `folder`, `file`), which its portal uses for the LDAP
 * TLS files before saving the settings. Capstan keeps them in the LDAP settings (the key sealed, never returned), so
 * the one folder is `ldap`; environments and registries take their TLS files in their own forms.
 */
@ApiTags('ldap')
@Controller('upload/tls')
export class UploadTlsController {
  constructor(private readonly settings: SettingsService) {}

  @Post(':certificate')
  @HttpCode(204)
  @Authenticated({ permission: Permission.SettingsUpdate })
  @ApiConsumes('multipart/form-data')
  @ApiParam({ name: 'certificate', enum: KINDS })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['folder', 'file'],
      properties: {
        folder: { type: 'string', enum: ['ldap'] },
        file: { type: 'string', format: 'binary', description: 'PEM; an empty file removes it' },
      },
    },
  })
  @ApiOperation({
    summary: "Upload the directory's CA, client certificate or client key (PEM) into the LDAP TLS settings",
    operationId: 'UploadTLS',
  })
  @ApiNoContentResponse()
  async upload(@Param('certificate') certificate: string, @Req() req: FastifyRequest): Promise<void> {
    const kind = KINDS.find((k) => k === certificate);
    if (!kind) throw new BadRequestError('Invalid certificate route value', 'Use ca, cert or key');
    const { fields, files } = await readMultipartForm(req, {
      maxFileBytes: MAX_FILE_BYTES,
      files: 1,
      fields: 4,
      expect: 'with a "folder" field and a "file" part',
      tooLarge: () =>
        new PayloadTooLargeError('File too large', `A TLS file is at most ${MAX_FILE_BYTES} bytes`),
    });
    if (fields['folder'] !== 'ldap')
      throw new BadRequestError(
        'Invalid folder',
        'Capstan stores uploaded TLS files for the "ldap" folder only (environments and registries take them in their own forms)',
      );
    const file = files['file'];
    if (file === undefined) throw new BadRequestError('Invalid request payload', 'The form has no "file"');
    await this.settings.setLdapTlsFile(kind, file.toString('utf8'));
  }
}
