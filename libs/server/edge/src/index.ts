export { EdgeModule } from './lib/edge.module';
export { EdgeTunnelService } from './lib/edge-tunnel.service';
