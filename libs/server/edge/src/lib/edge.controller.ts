import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, Max, Min } from 'class-validator';
import { AGENT_HEADERS, EDGE_HEADERS, encodeEdgeKey } from '@capstan/contracts-agent';
import { Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  CAPSTAN_CONFIG,
  CurrentUser,
  NotFoundError,
  ParseIdPipe,
  Public,
  type AuthenticatedUser,
  type CapstanConfig,
} from '@capstan/server-core';
import {
  EnvironmentsService,
  TunnelHostKeyService,
  type EdgeEnvironmentState,
} from '@capstan/server-environments';
import { SettingsService } from '@capstan/server-settings';
import { Inject } from '@nestjs/common';
import { EdgeCommands, type EdgeCommandView } from './edge-commands.service';
import { EdgeModes } from './edge-modes';
import { EdgeOnboarding } from './edge-onboarding.service';
import { EdgePollCommand, GlobalKeyCommand } from './edge-poll.command';
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
  @ApiProperty({ enum: ['standard', 'async'], description: 'How the agent talks to the server' })
  Mode!: 'standard' | 'async';
  @ApiProperty({ description: 'Checked in within its interval (plus a margin)' }) Heartbeat!: boolean;
  @ApiProperty({ description: 'Poll interval in effect, seconds' }) CheckinInterval!: number;
  @ApiProperty({ description: 'Async: commands the agent has not confirmed yet' }) OpenCommands!: number;
}

class RejectedResponse {
  @ApiProperty({ type: [Number], description: 'Waiting-room environments removed' }) rejected!: number[];
}

class GlobalKeyResponse {
  @ApiProperty() endpointID!: number;
}

class GeneratedKeyResponse {
  @ApiProperty({ description: 'Global edge key (endpoint id 0): agents started with it wait in the waiting room' })
  edgeKey!: string;
}

class EdgeIntervalsDto {
  @ApiPropertyOptional({ description: 'Poll interval, seconds (0: the settings)', minimum: 0, maximum: 3600 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  EdgeCheckinInterval?: number;
  @ApiPropertyOptional({ description: 'Async ping interval, seconds (-1: the settings, 0: off)' })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(86400)
  PingInterval?: number;
  @ApiPropertyOptional({ description: 'Async snapshot interval, seconds (-1: the settings, 0: off)' })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(86400)
  SnapshotInterval?: number;
  @ApiPropertyOptional({ description: 'Async command interval, seconds (-1: the settings, 0: off)' })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(86400)
  CommandInterval?: number;
}

class EdgeCommandResponse {
  @ApiProperty() Id!: number;
  @ApiProperty({ description: 'container, image, volume, normalStack, edgeStack, edgeJob, edgeLog, edgeConfig' })
  Type!: string;
  @ApiProperty({ enum: ['add', 'replace', 'remove'] }) Operation!: string;
  @ApiProperty({ description: 'What it does, e.g. "stop container web"' }) Summary!: string;
  @ApiProperty({ enum: ['pending', 'sent', 'confirmed', 'failed'] }) Status!: string;
  @ApiProperty({ nullable: true, type: String }) Error!: string | null;
  @ApiProperty({ description: 'Unix seconds' }) Created!: number;
  @ApiProperty({ description: 'Unix seconds, 0 not yet' }) Sent!: number;
  @ApiProperty({ description: 'Unix seconds, 0 not yet' }) Done!: number;
}

function commandResponse(c: EdgeCommandView): EdgeCommandResponse {
  const s = (ms: number | null): number => (ms ? Math.floor(ms / 1000) : 0);
  return {
    Id: c.id,
    Type: c.type,
    Operation: c.operation,
    Summary: c.summary,
    Status: c.status,
    Error: c.error,
    Created: s(c.createdAt),
    Sent: s(c.sentAt),
    Done: s(c.doneAt),
  };
}

/** An environment is "up" when it polled within its interval plus this margin (several missed polls). */
const HEARTBEAT_MARGIN_S = 20;

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
    private readonly onboarding: EdgeOnboarding,
    private readonly commands: EdgeCommands,
    private readonly modes: EdgeModes,
    private readonly settings: SettingsService,
    private readonly hostKey: TunnelHostKeyService,
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
  ) {}

  @Post('global-key')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Edge agent with a global key: its environment id, found by X-PortainerAgent-EdgeID; a new agent is ' +
      'onboarded into the waiting room (or trusted at once with TrustOnFirstConnect)',
    operationId: 'EndpointGlobalKey',
  })
  @ApiHeader({ name: EDGE_HEADERS.edgeId, required: true })
  @ApiOkResponse({ type: GlobalKeyResponse })
  async globalKey(
    @Headers() headers: Record<string, string | undefined>,
    @Body() body: unknown,
  ): Promise<GlobalKeyResponse> {
    const h = (name: string): string | undefined => headers[name.toLowerCase()];
    const cmd = GlobalKeyCommand.parse({
      edgeId: h(EDGE_HEADERS.edgeId),
      secret: h(EDGE_HEADERS.edgeSecret),
      platform: h(AGENT_HEADERS.platform),
      version: h(AGENT_HEADERS.agent),
      meta: typeof body === 'object' && body !== null ? body : {},
    });
    const { env } = await this.onboarding.resolve(cmd.edgeId, cmd.meta, false);
    return { endpointID: env.id };
  }

  @Post('edge/generate-key')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(200)
  @ApiOperation({
    summary: 'A global edge key (endpoint id 0) for auto-onboarding (Portainer BE route)',
    operationId: 'EndpointEdgeGenerateKey',
  })
  @ApiOkResponse({ type: GeneratedKeyResponse })
  async generateKey(@Headers('host') host: string | undefined): Promise<GeneratedKeyResponse> {
    const s = await this.settings.get();
    const serverUrl = s.EdgePortainerURL || `http://${host ?? 'localhost'}`;
    const tunnelAddr = s.TunnelServerAddress || `${new URL(serverUrl).hostname}:${this.config.tunnelPort}`;
    return {
      edgeKey: encodeEdgeKey({
        portainerUrl: serverUrl,
        tunnelAddr,
        fingerprint: this.hostKey.fingerprint,
        endpointId: 0,
      }),
    };
  }

  @Post('edge/reject')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Waiting room: reject (remove) untrusted edge environments; trusted ones are left alone',
    operationId: 'EndpointEdgeRejectBulk',
  })
  @ApiOkResponse({ type: RejectedResponse })
  async reject(@Body() body: TrustEdgeDto): Promise<RejectedResponse> {
    const rejected: number[] = [];
    for (const id of [...new Set(body.endpointIds)]) {
      const env = await this.environments.edgeState(id);
      if (!env || env.userTrusted) continue;
      await this.environments.delete(id);
      rejected.push(id);
    }
    return { rejected };
  }

  @Put(':id/edge/intervals')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Capstan: poll and async intervals of one edge environment (Portainer: PUT /endpoints/{id} Edge)',
    operationId: 'EndpointEdgeIntervals',
  })
  @ApiNoContentResponse()
  async intervals(@Param('id', ParseIdPipe) id: number, @Body() body: EdgeIntervalsDto): Promise<void> {
    await this.edgeEnvironment(id);
    await this.environments.setEdgeIntervals(id, {
      checkin: body.EdgeCheckinInterval,
      ping: body.PingInterval,
      snapshot: body.SnapshotInterval,
      command: body.CommandInterval,
    });
    this.polls.forget(id);
  }

  @Get(':id/edge/commands')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: "Async edge environment: its queued commands and their state (newest first; ?open=true: unconfirmed)",
    operationId: 'EndpointEdgeCommands',
  })
  @ApiQuery({ name: 'open', required: false, enum: ['true', 'false'] })
  @ApiOkResponse({ type: [EdgeCommandResponse] })
  async commandList(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Query('open') open?: string,
  ): Promise<EdgeCommandResponse[]> {
    await this.environments.accessFor(actor, id);
    return (await this.commands.list(id, { open: open === 'true' })).map(commandResponse);
  }

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
    const s = await this.settings.get();
    const asyncMode = this.modes.isAsync(id);
    const checkin = env.checkinInterval > 0 ? env.checkinInterval : s.EdgeAgentCheckinInterval || 5;
    const asyncEvery = [env.pingInterval, env.snapshotInterval, env.commandInterval]
      .map((v, i) => (v >= 0 ? v : [s.Edge.PingInterval, s.Edge.SnapshotInterval, s.Edge.CommandInterval][i] ?? 0))
      .filter((v) => v > 0);
    const interval = asyncMode ? (asyncEvery.length > 0 ? Math.min(...asyncEvery) : 60) : checkin;
    const since = (Date.now() - last) / 1000;
    return {
      TunnelOpen: this.tunnels.connected(id),
      LastCheckInDate: Math.floor(last / 1000),
      Mode: asyncMode ? 'async' : 'standard',
      Heartbeat: last > 0 && since <= interval + HEARTBEAT_MARGIN_S,
      CheckinInterval: checkin,
      OpenCommands: asyncMode ? await this.commands.openCount(id) : 0,
    };
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
