import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { Permission } from '@capstan/contracts-api';
import { Authenticated, setTotalCount } from '@capstan/server-core';
import { ActivityLogPage, AuditLogQuery, AuthLogPage, AuthLogQuery } from './dto/audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller('audit')
@Authenticated({ permission: Permission.AuditRead })
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('auth-logs')
  @ApiOperation({
    summary: 'Authentication log: logins, failures, throttling, logouts',
    operationId: 'AuditAuthLogs',
  })
  @ApiOkResponse({ type: AuthLogPage })
  async authLogs(
    @Query() q: AuthLogQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthLogPage> {
    const page = await this.audit.listAuthLogs(q);
    setTotalCount(reply, page.totalCount);
    return page;
  }

  @Get('auth-logs/export')
  @ApiOperation({ summary: 'Authentication log as CSV', operationId: 'AuditAuthLogsExport' })
  @ApiProduces('text/csv')
  async exportAuthLogs(@Query() q: AuthLogQuery, @Res() reply: FastifyReply): Promise<void> {
    await streamCsv(
      reply,
      'auth-logs',
      ['id', 'timestamp', 'username', 'context', 'origin', 'type', 'reason'],
      this.audit.exportAuthLogs(q),
    );
  }

  @Get('activity-logs')
  @ApiOperation({ summary: 'Activity log: every mutating request', operationId: 'AuditActivityLogs' })
  @ApiOkResponse({ type: ActivityLogPage })
  async activityLogs(
    @Query() q: AuditLogQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActivityLogPage> {
    await this.audit.flush();
    const page = await this.audit.listActivityLogs(q);
    setTotalCount(reply, page.totalCount);
    return page;
  }

  @Get('activity-logs/export')
  @ApiOperation({ summary: 'Activity log as CSV', operationId: 'AuditActivityLogsExport' })
  @ApiProduces('text/csv')
  async exportActivityLogs(@Query() q: AuditLogQuery, @Res() reply: FastifyReply): Promise<void> {
    await this.audit.flush();
    await streamCsv(
      reply,
      'activity-logs',
      [
        'id',
        'timestamp',
        'username',
        'userId',
        'method',
        'path',
        'environmentId',
        'status',
        'payload',
        'requestId',
      ],
      this.audit.exportActivityLogs(q),
    );
  }
}

/** Streams rows as CSV, batch by batch, with backpressure (Fastify pipes the readable into the socket). */
async function streamCsv<T extends object>(
  reply: FastifyReply,
  name: string,
  columns: (keyof T & string)[],
  rows: AsyncGenerator<T[]>,
): Promise<void> {
  async function* lines(): AsyncGenerator<string> {
    yield columns.join(',') + '\n';
    for await (const batch of rows) {
      yield batch.map((row) => columns.map((c) => csvCell(row[c])).join(',')).join('\n') + '\n';
    }
  }
  await reply
    .status(200)
    .header('Content-Type', 'text/csv; charset=utf-8')
    .header(
      'Content-Disposition',
      `attachment; filename="capstan-${name}-${new Date().toISOString().slice(0, 10)}.csv"`,
    )
    .send(Readable.from(lines()));
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = value.toString();
  else text = JSON.stringify(value) ?? '';
  // Neutralise spreadsheet formula injection.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
