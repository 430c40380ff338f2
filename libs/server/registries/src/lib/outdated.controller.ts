import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, type ApiResponseNoStatusOptions, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@capstan/contracts-api';
import { Authenticated } from '@capstan/server-core';
import { OutdatedSweep, type OutdatedSummary } from './outdated-sweep';

const SUMMARY_SCHEMA: ApiResponseNoStatusOptions = {
  schema: {
    type: 'object',
    properties: {
      CheckedAt: { type: 'integer', description: 'Seconds since the epoch; 0 before the first pass' },
      Outdated: { type: 'integer' },
      Running: { type: 'boolean' },
      Environments: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            EnvironmentId: { type: 'integer' },
            EnvironmentName: { type: 'string' },
            CheckedAt: { type: 'integer' },
            Containers: { type: 'integer' },
            Outdated: {
              type: 'array',
              items: {
                type: 'object',
                properties: { Id: { type: 'string' }, Name: { type: 'string' }, Image: { type: 'string' } },
              },
            },
            Error: { type: 'string' },
          },
        },
      },
    },
  },
};

/** Capstan's daily out-of-date check: its last results, and a pass on demand. */
@ApiTags('registries')
@Controller('registries/updates')
export class OutdatedController {
  constructor(private readonly sweep: OutdatedSweep) {}

  @Get()
  @Authenticated({ permission: Permission.RegistriesManage })
  @ApiOperation({
    summary: 'Capstan: out-of-date containers found by the daily check, per environment',
    operationId: 'RegistryUpdatesSummary',
  })
  @ApiOkResponse(SUMMARY_SCHEMA)
  summary(): OutdatedSummary {
    return this.sweep.summary();
  }

  @Post('check')
  @HttpCode(200)
  @Authenticated({ permission: Permission.RegistriesManage })
  @ApiOperation({
    summary: 'Capstan: run the out-of-date check now (joins a pass in progress) and answer its results',
    operationId: 'RegistryUpdatesCheck',
  })
  @ApiOkResponse(SUMMARY_SCHEMA)
  async check(): Promise<OutdatedSummary> {
    await this.sweep.sweep();
    return this.sweep.summary();
  }
}
