import { Permission } from '@capstan/contracts-api';
import { STACK_ACTIVE, STACK_SWARM, type PortainerDecoration, type Stack } from '@capstan/portal-data-access';

import { canManage } from '../resources/shared/permissions';
import type { EnvironmentContext } from '../shell/environment-context';

type Control = NonNullable<PortainerDecoration['Portainer']>['ResourceControl'];

export function stackTypeLabel(stack: Stack): string {
  return stack.Type === STACK_SWARM ? 'Swarm' : 'Compose';
}

export function stackStatusLabel(stack: Stack): string {
  return stack.Status === STACK_ACTIVE ? 'Active' : 'Inactive';
}

/** May the caller start, stop, update or delete this stack (external ones: environment-wide managers only)? */
export function canManageStack(ctx: EnvironmentContext, stack: Stack): boolean {
  if (stack.External) return ctx.canAct(Permission.ResourcesManageAll);
  return canManage(ctx, { Portainer: { ResourceControl: stack.ResourceControl as Control } });
}
