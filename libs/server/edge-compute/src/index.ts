export { EdgeComputeModule } from './lib/edge-compute.module';
export { EdgeGroupsService, type EdgeGroupUsage } from './lib/groups/edge-groups.service';
export { EdgeStacksService } from './lib/stacks/edge-stacks.service';
