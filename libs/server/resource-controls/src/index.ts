export { ResourceControlsModule } from './lib/resource-controls.module';
export { ResourceControlsService, type OwnershipInput } from './lib/resource-controls.service';
export { ControlIndex, decorate, stackResourceId, SYSTEM_NETWORKS, type Labels } from './lib/access-control';
