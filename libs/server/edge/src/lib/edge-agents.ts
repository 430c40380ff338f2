import { Injectable } from '@nestjs/common';
import { EnvironmentsService, type EdgeEnvironmentState } from '@capstan/server-environments';
import { edgeRefused, edgeSecretOk } from './edge-credentials';

/**
 * Authenticates an edge agent's call other than the poll (stack payload, stack status, job logs): the environment
 * must be a trusted edge environment already bound to this edge id, and when it holds a Capstan poll secret the
 * call must carry it. Refusals are the poll's `403 Unable to authenticate the edge agent`.
 */
@Injectable()
export class EdgeAgents {
  constructor(private readonly environments: EnvironmentsService) {}

  async authenticate(
    environmentId: number,
    edgeId: string | undefined,
    secret: string | undefined,
  ): Promise<EdgeEnvironmentState> {
    if (!edgeId) throw edgeRefused('X-PortainerAgent-EdgeID is required');
    const env = await this.environments.edgeState(environmentId);
    if (!env) throw edgeRefused('No edge environment with this id');
    if (env.edgeId === null || env.edgeId !== edgeId)
      throw edgeRefused('The environment is associated with another edge agent');
    if (!env.userTrusted) throw edgeRefused('The edge environment is not trusted yet (waiting room)');
    if (!edgeSecretOk(env.secretHash, secret)) throw edgeRefused('The edge secret is missing or wrong');
    return env;
  }
}
