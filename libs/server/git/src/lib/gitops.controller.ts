import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '@capstan/server-core';
import { RepositoryFilePreviewDto, RepositoryFilePreviewResponse } from './dto/gitops.dto';
import { GitService } from './git.service';

/** Portainer's `/api/gitops`: the file preview of the git deploy forms. */
@ApiTags('gitops')
@Controller('gitops')
export class GitopsController {
  constructor(private readonly git: GitService) {}

  @Post('repo/file/preview')
  @Authenticated()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Fetch one file of a git repository at a reference (shallow checkout, removed afterwards)',
    operationId: 'GitOperationRepoFilePreview',
  })
  @ApiOkResponse({ type: RepositoryFilePreviewResponse })
  @ApiBadRequestResponse({
    description:
      'Invalid URL, reference or path; unreachable repository; wrong credentials; unknown reference; missing file',
  })
  @ApiPayloadTooLargeResponse({ description: 'The file is over the size limit' })
  async preview(@Body() body: RepositoryFilePreviewDto): Promise<RepositoryFilePreviewResponse> {
    const remote =
      body.username || body.password
        ? {
            url: body.repository,
            username: body.username,
            password: body.password,
            tlsSkipVerify: body.tlsSkipVerify,
          }
        : { url: body.repository, tlsSkipVerify: body.tlsSkipVerify };
    const file = await this.git.readFileAt(remote, body.reference ?? '', body.targetFile);
    return { FileContent: file.content };
  }
}
