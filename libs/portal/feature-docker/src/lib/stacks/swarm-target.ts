import type { EngineApi } from '@capstan/portal-data-access';

import type { EnvironmentContext } from '../shell/environment-context';

/**
 * Which kind of stack this environment deploys: the Swarm cluster id when its engine is a manager (a Swarm
 * stack), '' for a compose stack, null when the engine did not answer and the snapshot says Swarm (unknown).
 */
export async function stackTarget(engine: EngineApi, ctx: EnvironmentContext): Promise<string | null> {
  try {
    const { body } = await engine.info<{
      Swarm?: { ControlAvailable?: boolean; Cluster?: { ID?: string } };
    }>(ctx.envId());
    return body.Swarm?.ControlAvailable ? (body.Swarm.Cluster?.ID ?? '') : '';
  } catch {
    return ctx.snapshot()?.Swarm ? null : '';
  }
}
