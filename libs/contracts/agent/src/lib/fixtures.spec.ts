import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { AGENT_ERRORS } from './errors';
import {
  AGENT_API_VERSION,
  AGENT_HEADERS,
  AGENT_VERSION,
  CLUSTER_HEADERS,
  parseUnreachableNodes,
} from './headers';
import { AGENT_ROUTES, AgentRoute, dispatchAgentRequest } from './routes';
import { verifyAgentSignature } from './signature';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures', name), 'utf8')) as T;

describe('agent contract fixtures', () => {
  it('errors.json is the error table of the code', () => {
    expect(fixture('errors.json')).toEqual(AGENT_ERRORS);
  });

  it('headers.json names the headers and the response headers of every reply', () => {
    const headers = fixture<{ examples: { unreachable: { value: string; nodes: string[] } } }>(
      'headers.json',
    );
    expect(headers).toEqual({
      names: AGENT_HEADERS,
      cluster: CLUSTER_HEADERS,
      response: {
        'Portainer-Agent': AGENT_VERSION,
        'Portainer-Agent-API-Version': AGENT_API_VERSION,
        'Portainer-Agent-Platform': '1',
      },
      examples: headers.examples,
    });
    expect(parseUnreachableNodes(headers.examples.unreachable.value)).toEqual(
      headers.examples.unreachable.nodes,
    );
    expect(parseUnreachableNodes(undefined)).toEqual([]);
    expect(parseUnreachableNodes(['node1', 'node4'])).toEqual(['node1', 'node4']);
  });

  it('routes.json is the route table, and every listed path dispatches to its route', () => {
    const routes = fixture<AgentRoute[]>('routes.json');
    expect(routes).toEqual(AGENT_ROUTES);
    for (const route of routes) {
      for (const prefix of route.prefixes) {
        const d = dispatchAgentRequest(route.method, prefix + route.path);
        expect(d.kind === 'route' && d.route.name).toBe(route.name);
      }
    }
  });

  it('every example names a known error and a known route path', () => {
    const examples =
      fixture<Record<string, { request: { path: string }; response: { error?: string } }>>('examples.json');
    for (const [name, example] of Object.entries(examples)) {
      if (example.response.error) expect(Object.keys(AGENT_ERRORS), name).toContain(example.response.error);
      expect(example.request.path, name).toMatch(/^\//);
    }
  });

  it('signature.json: the vector verifies, its invalid variants do not', () => {
    const v = fixture<{
      message: string;
      publicKeyHex: string;
      validSignature: string;
      invalid: { padded: string; truncated: string; otherMessage: string };
    }>('signature.json');
    expect(verifyAgentSignature(v.publicKeyHex, v.validSignature, v.message)).toBe(true);
    expect(verifyAgentSignature(v.publicKeyHex, v.invalid.padded, v.message)).toBe(false);
    expect(verifyAgentSignature(v.publicKeyHex, v.invalid.truncated, v.message)).toBe(false);
    expect(verifyAgentSignature(v.publicKeyHex, v.validSignature, v.invalid.otherMessage)).toBe(false);
  });
});
