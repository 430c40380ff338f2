/**
 * The agent's configuration, read from the environment once at start-up. Every bad variable is reported
 * at once, so that a misconfigured container fails with one complete message.
 */
export enum AgentPlatform {
  Docker = 1,
  Kubernetes = 2,
}

export interface AgentConfig {
  host: string;
  port: number;
  platform: AgentPlatform;
}

export class AgentConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid agent configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AgentConfigError';
  }
}

/**
 * AGENT_HOST defaults to loopback: run from a checkout, the agent must not be reachable from the network
 * by accident. The agent's image sets AGENT_HOST=0.0.0.0.
 */
export function loadAgentConfig(env: NodeJS.ProcessEnv): AgentConfig {
  const problems: string[] = [];

  const host = env['AGENT_HOST']?.trim() || '127.0.0.1';

  let port = 9001;
  const rawPort = env['AGENT_PORT']?.trim();
  if (rawPort) {
    port = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || port < 1 || port > 65535) {
      problems.push(`AGENT_PORT must be a port number (1-65535), got "${rawPort}"`);
    }
  }

  if (problems.length > 0) throw new AgentConfigError(problems);
  return { host, port, platform: detectPlatform(env) };
}

/** As Portainer's agent: Podman reports as Docker; a Kubernetes pod is recognised by its service env. */
export function detectPlatform(env: NodeJS.ProcessEnv): AgentPlatform {
  if (env['PODMAN'] === '1') return AgentPlatform.Docker;
  if (env['KUBERNETES_SERVICE_HOST']) return AgentPlatform.Kubernetes;
  return AgentPlatform.Docker;
}
