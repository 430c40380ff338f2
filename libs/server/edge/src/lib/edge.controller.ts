import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ArrayMaxSize, IsArray, IsInt, Min } from 'class-validator';
import { AGENT_HEADERS, EDGE_HEADERS } from '@capstan/contracts-agent';
import { Permission } from '@capstan/contracts-api';
import { Authenticated, NotFoundError, ParseIdPipe, Public } from '@capstan/server-core';
import { EnvironmentsService, type EdgeEnvironmentState } from '@capstan/server-environments';
import { EdgePollCommand } from './edge-poll.command';
import { EdgePollService } from './edge-poll.service';
import { EdgeTunnelService } from './edge-tunnel.service';

class EdgeScheduleResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() CollectLogs!: boolean;
  @ApiProperty() CronExpression!: string;
  @ApiProperty({ description: 'base64 (no padding) of the script' }) Script!: string;
  @ApiProperty() Version!: number;
}

class EdgeStackRefResponse {
  @ApiProperty() ID!: number;
  @ApiProperty() Version!: number;
}

class EdgeStatusResponseDto {
  @ApiProperty({ enum: ['IDLE', 'REQUIRED'] }) status!: string;
  @ApiProperty({ description: 'Reverse tunnel port (49152–65535), 0 when idle' }) port!: number;
  @ApiProperty({ description: 'AES-256-GCM sealed user:pass (key: hex MD5 of the edge id), base64 raw' })
  credentials!: string;
  @ApiProperty({ description: 'Poll interval, seconds' }) checkin!: number;
  @ApiProperty({ type: [EdgeScheduleResponse] }) schedules!: EdgeScheduleResponse[];
  @ApiProperty({ type: [EdgeStackRefResponse], nullable: true }) stacks!: EdgeStackRefResponse[] | null;
}

class TrustEdgeDto {
  @ApiProperty({ type: [Number], description: 'Edge environment ids' })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  endpointIds!: number[];
}

class TrustedResponse {
  @ApiProperty({ type: [Number] }) trusted!: number[];
}

class EdgeEnvironmentStatus {
  @ApiProperty({ description: 'Whether the tunnel is open now' }) TunnelOpen!: boolean;
  @ApiProperty({ description: 'Last poll seen by this server, Unix seconds (0 never)' })
  LastCheckInDate!: number;
}

/**
 * The edge agent's entry points (`/api/endpoints/{id}/edge/*`, Portainer's `endpointedge` handler) and the
 * waiting room's trust actions. The poll is public as an HTTP route — its credential is the edge id (and
 * Capstan's per-environment secret), checked by `EdgePollService` after `EdgePollCommand` validated the input.
 */
@ApiTags('edge')
@Controller('endpoints')
export class EdgeController {
  constructor(
    private readonly polls: EdgePollService,
    private readonly tunnels: EdgeTunnelService,
    private readonly environments: EnvironmentsService,
  ) {}

  @Get(':id/edge/status')
  @Public()
  @ApiOperation({
    summary: 'Edge agent poll (credential: X-PortainerAgent-EdgeID); ETag / If-None-Match answers 304',
    operationId: 'EndpointEdgeStatusInspect',
  })
  @ApiHeader({ name: EDGE_HEADERS.edgeId, required: true })
  @ApiHeader({
    name: EDGE_HEADERS.edgeSecret,
    required: false,
    description: 'Capstan poll secret; ? asks for one',
  })
  @ApiOkResponse({ type: EdgeStatusResponseDto })
  @ApiForbiddenResponse({ description: 'Unknown, untrusted, or associated with another agent' })
  async status(
    @Param('id') id: string,
    @Headers() headers: Record<string, string | undefined>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EdgeStatusResponseDto | undefined> {
    const h = (name: string): string | undefined => headers[name.toLowerCase()];
    const cmd = EdgePollCommand.parse({
      endpointId: id,
      edgeId: h(EDGE_HEADERS.edgeId),
      secret: h(EDGE_HEADERS.edgeSecret),
      ifNoneMatch: h('If-None-Match'),
      platform: h(AGENT_HEADERS.platform),
      version: h(AGENT_HEADERS.agent),
    });
    const answer = await this.polls.poll(cmd);
    reply.header('ETag', answer.etag);
    if (answer.status === 304) {
      reply.status(304);
      return undefined;
    }
    if (answer.secret) reply.header(EDGE_HEADERS.edgeSecret, answer.secret);
    return answer.body;
  }

  @Post('edge/trust')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Waiting room: trust edge environments (bulk)',
    operationId: 'EndpointEdgeTrustBulk',
  })
  @ApiOkResponse({ type: TrustedResponse })
  async trustMany(@Body() body: TrustEdgeDto): Promise<TrustedResponse> {
    const trusted = await this.environments.setEdgeTrust(body.endpointIds, true);
    for (const id of trusted) this.polls.forget(id);
    return { trusted };
  }

  @Post(':id/edge/trust')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(204)
  @ApiOperation({ summary: 'Waiting room: trust one edge environment', operationId: 'EndpointEdgeTrust' })
  @ApiNoContentResponse()
  async trust(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.edgeEnvironment(id);
    await this.environments.setEdgeTrust([id], true);
    this.polls.forget(id);
  }

  @Get(':id/edge/tunnel')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: 'Capstan: tunnel and check-in state of an edge environment',
    operationId: 'EndpointEdgeTunnel',
  })
  @ApiOkResponse({ type: EdgeEnvironmentStatus })
  async tunnel(@Param('id', ParseIdPipe) id: number): Promise<EdgeEnvironmentStatus> {
    const env = await this.edgeEnvironment(id);
    const last = this.polls.lastCheckIn(id) ?? env.lastCheckIn;
    return { TunnelOpen: this.tunnels.connected(id), LastCheckInDate: Math.floor(last / 1000) };
  }

  private async edgeEnvironment(id: number): Promise<EdgeEnvironmentState> {
    const env = await this.environments.edgeState(id);
    if (!env)
      throw new NotFoundError(
        'Unable to find an edge environment with the specified identifier',
        `No edge environment ${id}`,
      );
    return env;
  }
}
