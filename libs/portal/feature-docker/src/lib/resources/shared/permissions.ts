import { Permission } from '@capstan/contracts-api';
import type { PortainerDecoration } from '@capstan/portal-data-access';

import type { EnvironmentContext } from '../../shell/environment-context';

/**
 * May the caller change or remove this resource? Environment-wide managers may; Standard users only what
 * they own (the server checks the resource control again).
 */
export function canManage(ctx: EnvironmentContext, resource: PortainerDecoration): boolean {
  return (
    ctx.canAct(Permission.ResourcesManageAll) ||
    (ctx.canAct(Permission.ResourcesManageOwned) && ctx.ownedByCaller(resource.Portainer?.ResourceControl))
  );
}
