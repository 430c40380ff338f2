import { CLUSTER_HEADERS } from '@capstan/contracts-agent';

import { MemberIdentity } from './members';

/** This agent's identity as extra headers on its GET /ping (contracts' CLUSTER_HEADERS). */
export function identityHeaders(self: MemberIdentity): Record<string, string> {
  return {
    [CLUSTER_HEADERS.node]: self.nodeName,
    [CLUSTER_HEADERS.role]: self.role,
    [CLUSTER_HEADERS.leader]: self.leader ? '1' : '0',
    [CLUSTER_HEADERS.edgeKey]: self.edgeKeySet ? '1' : '0',
  };
}

type HeaderBag = Record<string, string | string[] | undefined>;

/** The identity from a /ping response's headers, or null when they are missing or malformed. */
export function parseIdentity(headers: HeaderBag): MemberIdentity | null {
  const get = (name: string): string | undefined => {
    const v = headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  };
  const nodeName = get(CLUSTER_HEADERS.node);
  const role = get(CLUSTER_HEADERS.role);
  if (!nodeName || (role !== 'manager' && role !== 'worker')) return null;
  return {
    nodeName,
    role,
    leader: get(CLUSTER_HEADERS.leader) === '1',
    edgeKeySet: get(CLUSTER_HEADERS.edgeKey) === '1',
  };
}
