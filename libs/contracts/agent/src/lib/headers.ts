/** Agent protocol header names (Portainer agent protocol §2), plus Capstan's own. */
export const AGENT_HEADERS = {
  agent: 'Portainer-Agent',
  apiVersion: 'Portainer-Agent-API-Version',
  platform: 'Portainer-Agent-Platform',
  publicKey: 'X-PortainerAgent-PublicKey',
  signature: 'X-PortainerAgent-Signature',
  target: 'X-PortainerAgent-Target',
  managerOperation: 'X-PortainerAgent-ManagerOperation',
  /**
   * Capstan only: `1` lets `/browse/*` without `volumeID` browse the agent's whole file system (the host
   * root is bind-mounted at /host). The server sets it only for administrators (Portainer's server does the same
   * check without telling the agent); without it the agent refuses host browsing with 403.
   */
  browseHost: 'X-Capstan-Agent-Browse-Host',
} as const;

export const AGENT_API_VERSION = '2';

/** The Portainer agent version Capstan's agent speaks for; servers gate features on it. */
export const AGENT_VERSION = '2.23.0';

/** `Portainer-Agent-Platform` values (Podman reports as Docker). */
export enum AgentPlatform {
  Docker = 1,
  Kubernetes = 2,
}
