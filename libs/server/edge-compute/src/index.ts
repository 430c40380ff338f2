export { EdgeComputeModule } from './lib/edge-compute.module';
export { EdgeGroupsService, type EdgeGroupUsage } from './lib/groups/edge-groups.service';
