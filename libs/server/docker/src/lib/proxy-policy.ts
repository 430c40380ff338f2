import { EnvironmentRoleId } from '@capstan/contracts-api';

/**
 * What a role may do through the Docker API proxy before ownership (resource controls) exists.
 * Roles that see every resource (Environment administrator, Operator, Helpdesk) need no per-resource filter;
 * Standard and Read-only users only ever see their own resources, so they are refused until ownership lands.
 */
export type ProxyDecision = { allowed: true } | { allowed: false; reason: string };

const READ = new Set(['GET', 'HEAD']);
/** Container lifecycle of existing containers (Operator). */
const LIFECYCLE = /^\/containers\/[^/]+\/(start|stop|restart|kill|pause|unpause|wait|resize)$/;
/** Consoles: exec create/start/resize, attach (Helpdesk and up). */
const CONSOLE = /^\/(containers\/[^/]+\/(exec|attach|resize)|exec\/[^/]+\/(start|resize|json))$/;

/** Strips `/v1.41`-style prefixes, only at the start of the path. */
export function engineRoute(path: string): string {
  return path.replace(/^\/v\d+(\.\d+)?(?=\/)/, '');
}

export function decide(roleId: EnvironmentRoleId | undefined, method: string, path: string): ProxyDecision {
  if (roleId === undefined || roleId === EnvironmentRoleId.EnvironmentAdministrator) return { allowed: true };
  const route = engineRoute(path);
  switch (roleId) {
    case EnvironmentRoleId.Operator:
      if (READ.has(method) || (method === 'POST' && (LIFECYCLE.test(route) || CONSOLE.test(route))))
        return { allowed: true };
      return { allowed: false, reason: 'Operators manage the lifecycle of existing resources only' };
    case EnvironmentRoleId.Helpdesk:
      if (READ.has(method) || (method === 'POST' && CONSOLE.test(route))) return { allowed: true };
      return { allowed: false, reason: 'Helpdesk users have read-only access (and consoles)' };
    case EnvironmentRoleId.StandardUser:
    case EnvironmentRoleId.ReadOnlyUser:
      return {
        allowed: false,
        reason: 'Access to owned resources needs resource controls, which are not available yet',
      };
  }
}
