import {
  AGENT_ROUTES,
  type AgentPrefix,
  type AgentRoute,
  type AgentRouteName,
} from '@capstan/contracts-agent';

/**
 * An agent route as the server calls it, from the contracts' route table (the one the agent dispatches on and
 * `fixtures/routes.json` lists): its method and its path under `prefix`. Throws on a prefix the route lacks, so
 * a server call can never name a path the agent would pass to Docker instead.
 */
export function agentCall(
  name: AgentRouteName,
  prefix: AgentPrefix = '',
): { method: AgentRoute['method']; path: string } {
  const route = AGENT_ROUTES.find((r) => r.name === name);
  if (!route) throw new Error(`No agent route ${name}`);
  if (!route.prefixes.includes(prefix))
    throw new Error(`The agent route ${name} has no ${prefix || 'bare'} form`);
  return { method: route.method, path: `${prefix}${route.path}` };
}
