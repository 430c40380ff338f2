/** Agent protocol header names (Portainer agent protocol §2). The full contract arrives with the agent. */
export const AGENT_HEADERS = {
  agent: 'Portainer-Agent',
  apiVersion: 'Portainer-Agent-API-Version',
  platform: 'Portainer-Agent-Platform',
  publicKey: 'X-PortainerAgent-PublicKey',
  signature: 'X-PortainerAgent-Signature',
  target: 'X-PortainerAgent-Target',
  managerOperation: 'X-PortainerAgent-ManagerOperation',
} as const;

export const AGENT_API_VERSION = '2';
