import { engineRoute } from './proxy-policy';

/**
 * Engine calls that change what an environment's snapshot counts (containers and their states, images,
 * volumes, networks, services, stacks, Swarm membership). Consoles, resizes, exec starts and reads do not.
 */
const CHANGES: readonly [string, RegExp][] = [
  ['POST', /^\/containers\/(create|prune)$/],
  ['POST', /^\/containers\/[^/]+\/(start|stop|restart|kill|pause|unpause|update|rename|wait)$/],
  ['DELETE', /^\/containers\/[^/]+$/],
  ['POST', /^\/(images\/(create|load|prune)|build|commit)$/],
  ['POST', /^\/images\/.+\/tag$/],
  ['DELETE', /^\/images\/.+$/],
  ['POST', /^\/(volumes|networks)\/(create|prune)$/],
  ['DELETE', /^\/(volumes|networks)\/[^/]+$/],
  ['POST', /^\/networks\/[^/]+\/(connect|disconnect)$/],
  ['POST', /^\/services\/(create|[^/]+\/update)$/],
  ['DELETE', /^\/services\/[^/]+$/],
  ['POST', /^\/(swarm\/(init|join|leave)|nodes\/[^/]+\/update)$/],
  ['DELETE', /^\/nodes\/[^/]+$/],
];

/** Whether a call through the proxy changes the environment's snapshot (any API version prefix). */
export function changesSnapshot(method: string, enginePath: string): boolean {
  const route = engineRoute(enginePath.split('?')[0] ?? '');
  return CHANGES.some(([m, pattern]) => m === method && pattern.test(route));
}
