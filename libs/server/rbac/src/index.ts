export { RbacModule } from './lib/rbac.module';
export { AccessService, type Reachable } from './lib/access.service';
export {
  EnvironmentAccess,
  controlGrants,
  type AccessPrincipal,
  type EnvironmentRef,
  type OwnedResource,
  type VolumeBrowseAccess,
} from './lib/environment-access';
export { type PolicyMap, type PolicyRow, type PolicyTarget } from './lib/access-policies';
