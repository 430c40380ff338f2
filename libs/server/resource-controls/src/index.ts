export { ResourceControlsModule } from './lib/resource-controls.module';
export { ResourceControlsService, type OwnershipInput } from './lib/resource-controls.service';
export {
  ControlIndex,
  canAccess,
  canUpdate,
  decorate,
  stackResourceId,
  SYSTEM_NETWORKS,
  type Caller,
  type Labels,
} from './lib/access-control';
