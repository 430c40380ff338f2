import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Permission, ResourceControlType } from '@capstan/contracts-api';
import {
  Authenticated,
  CurrentUser,
  ParseIdPipe,
  ServiceUnavailableError,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { DockerPort, EnvironmentsService, summarise } from '@capstan/server-environments';
import { ProxyOwnership } from './proxy-ownership';

class ContainerCounts {
  @ApiProperty() running!: number;
  @ApiProperty() stopped!: number;
  @ApiProperty() healthy!: number;
  @ApiProperty() unhealthy!: number;
  @ApiProperty() total!: number;
}

class ImageCounts {
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'Bytes' }) size!: number;
}

export class DashboardResponse {
  @ApiProperty({ type: ContainerCounts }) containers!: ContainerCounts;
  @ApiProperty() services!: number;
  @ApiProperty({ type: ImageCounts }) images!: ImageCounts;
  @ApiProperty() volumes!: number;
  @ApiProperty() networks!: number;
  @ApiProperty({ description: 'Distinct compose projects and swarm stacks' }) stacks!: number;
  @ApiProperty({
    type: [String],
    description:
      'Swarm agent: the nodes whose agents did not answer the fanned-out lists (sorted); the counts miss them. ' +
      'Empty when complete',
  })
  unreachableNodes!: string[];
}

const DASHBOARD_TIMEOUT_MS = 10_000;

/** Portainer's `/api/docker/{id}/dashboard`: live counts from the engine, after ownership filtering. */
@ApiTags('docker')
@Controller('docker')
export class DockerDashboardController {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly docker: DockerPort,
    private readonly ownership: ProxyOwnership,
  ) {}

  @Get(':id/dashboard')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({ summary: "Counts of an environment's resources", operationId: 'DockerDashboard' })
  @ApiOkResponse({ type: DashboardResponse })
  async dashboard(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<DashboardResponse> {
    const { env, access } = await this.environments.accessFor(actor, id);
    const client = this.docker.connect(this.environments.connectionOf(env, DASHBOARD_TIMEOUT_MS));
    let lists: [
      Record<string, unknown>[],
      Record<string, unknown>[],
      Record<string, unknown>[],
      Record<string, unknown>[],
      Record<string, unknown>,
    ];
    try {
      lists = await Promise.all([
        client.containers(),
        client.images(),
        client.volumes(),
        client.networks(),
        client.info(),
      ]);
    } catch (e) {
      throw new ServiceUnavailableError(
        'The environment is unreachable',
        e instanceof Error ? e.message : String(e),
      );
    }
    const [allContainers, images, allVolumes, allNetworks, info] = lists;
    const swarm = (info['Swarm'] as { ControlAvailable?: boolean } | undefined)?.ControlAvailable === true;
    // Counted after ownership: users who see only what they own count only that (images are not owned).
    const visible = <T>(type: Parameters<ProxyOwnership['visible']>[1], items: T[]) =>
      this.ownership.visible(access, type, items);
    const [containers, volumes, networks, services] = await Promise.all([
      visible(ResourceControlType.Container, allContainers),
      visible(ResourceControlType.Volume, allVolumes),
      visible(ResourceControlType.Network, allNetworks),
      swarm ? client.services().then((s) => visible(ResourceControlType.Service, s)) : Promise.resolve([]),
    ]);
    // The same counting as the snapshot's summary.
    const s = summarise(
      {
        Containers: containers,
        Images: images,
        Volumes: volumes,
        Networks: networks,
        Info: info,
        Version: {},
      },
      services,
      [],
      Date.now(),
    );
    return {
      containers: {
        running: s.RunningContainerCount,
        stopped: s.StoppedContainerCount,
        healthy: s.HealthyContainerCount,
        unhealthy: s.UnhealthyContainerCount,
        total: s.ContainerCount,
      },
      services: s.ServiceCount,
      images: {
        total: s.ImageCount,
        size: (images as { Size?: number }[]).reduce((sum, i) => sum + (i.Size ?? 0), 0),
      },
      volumes: s.VolumeCount,
      networks: s.NetworkCount,
      stacks: s.StackCount,
      unreachableNodes: client.unreachableNodes?.() ?? [],
    };
  }
}
